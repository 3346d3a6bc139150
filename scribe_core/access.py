"""Who may open the app, decided once at start from where it listens and what sign-in is configured.

    listening on loopback only, no sign-in configured   → single-user mode (the page says so)
    Streamlit OIDC configured ([auth] in secrets.toml)   → sign in with the clinic's identity provider
    local accounts exist                                  → sign in with username and password
    listening beyond loopback with neither               → refuse to start

A clinician sees only the encounters they created (and their tombstones); an admin sees all of them
and the audit log. `Viewer` is that rule; scribe_core.usecases.queries and the use cases apply it on every read
and every action.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from .accounts import User
from .errors import AccessDeniedError, ConfigurationError
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
    """Who is reading or acting: the signed-in user, the CLI's operator, or the scribe's own background work.

    Every query and every user action in scribe_core takes one, checks it with `check`, and records
    its `name` in the audit log.
    """

    user: User

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def owner_filter(self) -> str | None:
        """The owner whose encounters this viewer may list; None for all of them (admins)."""
        return None if self.user.is_admin else self.user.username

    def may_open(self, encounter: Encounter) -> bool:
        return self.user.is_admin or (encounter.owner is not None and encounter.owner == self.user.username)

    def check(self, encounter: Encounter) -> Encounter:
        if not self.may_open(encounter):
            raise AccessDeniedError("You do not have access to this encounter.")
        return encounter

    def require_admin(self, what: str) -> None:
        if not self.user.is_admin:
            raise AccessDeniedError(f"The {what} is shown to administrators only.")


# The scribe's own work (the worker, retention sweeps) acts as this viewer in the audit log.
SYSTEM = Viewer(User("system", "admin"))
