"""Who may open the app, decided once at start from where it listens and what sign-in is configured.

    listening on loopback only, no sign-in configured   → single-user mode (the page says so)
    Streamlit OIDC configured ([auth] in secrets.toml)   → sign in with the clinic's identity provider
    local accounts exist                                  → sign in with username and password
    listening beyond loopback with neither               → refuse to start

A clinician sees only the encounters they created; an admin sees all of them and the audit log.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from .accounts import User
from .errors import ConfigurationError, EncounterNotFoundError
from .model import Encounter

SINGLE_USER = User("local", "admin")


class AccessMode(StrEnum):
    SINGLE_USER = "single-user (localhost only)"
    OIDC = "sign-in with the clinic's identity provider"
    LOCAL_ACCOUNTS = "sign-in with local accounts"


def is_loopback(address: str) -> bool:
    address = (address or "").strip().strip("[]")
    if address in ("localhost", ""):
        return address == "localhost"  # "" means every interface: not loopback
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def decide_access(address: str, *, oidc_configured: bool, local_accounts: bool) -> AccessMode:
    if oidc_configured:
        return AccessMode.OIDC
    if local_accounts:
        return AccessMode.LOCAL_ACCOUNTS
    if is_loopback(address):
        return AccessMode.SINGLE_USER
    raise ConfigurationError(
        f"The app listens on {address or 'every interface'} but no sign-in is configured, so anyone on "
        "the network could open patient records. Create an account with "
        "`python -m scribe_core user add NAME --role admin`, configure [auth] OIDC in .streamlit/secrets.toml, "
        "or listen on 127.0.0.1 only."
    )


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the pages see them: which encounters they may open."""

    user: User

    @property
    def owner_filter(self) -> str | None:
        return None if self.user.is_admin else self.user.username

    def may_open(self, encounter: Encounter) -> bool:
        return self.user.is_admin or encounter.owner == self.user.username

    def check(self, encounter: Encounter) -> Encounter:
        # The same answer as for an id that does not exist: no hint that someone else's record is there.
        if not self.may_open(encounter):
            raise EncounterNotFoundError(f"No encounter {encounter.id!r}: it may have been purged.")
        return encounter
