"""The viewer's time zone, read from their browser, so times show as the clinic reads them."""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st


def viewer_zone() -> tzinfo | None:
    """The browser's IANA zone ("Europe/Berlin"); None, meaning the server's own, when the browser has not
    said or names a zone this machine does not know."""
    name = st.context.timezone
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
