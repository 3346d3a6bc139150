"""Who may open the app: decided from the listen address and the configured sign-in."""

import pytest

from scribe_core.access import AccessMode, Viewer, decide_access, is_loopback
from scribe_core.accounts import User
from scribe_core.errors import AccessDeniedError, ConfigurationError
from scribe_core.model import Encounter, utc_now


@pytest.mark.parametrize("address,loopback", [
    ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("", False), ("192.168.1.20", False), ("::", False), ("clinic.example", False),
])
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_localhost_without_sign_in_is_single_user_and_the_network_is_refused():
    assert decide_access("127.0.0.1", oidc_configured=False, local_accounts=False) == AccessMode.SINGLE_USER
    with pytest.raises(ConfigurationError, match="user add"):
        decide_access("0.0.0.0", oidc_configured=False, local_accounts=False)
    assert decide_access("0.0.0.0", oidc_configured=False, local_accounts=True) == AccessMode.LOCAL_ACCOUNTS
    assert decide_access("0.0.0.0", oidc_configured=True, local_accounts=True) == AccessMode.OIDC
    # Accounts exist: sign-in is required even on localhost.
    assert decide_access("127.0.0.1", oidc_configured=False, local_accounts=True) == AccessMode.LOCAL_ACCOUNTS


def test_clinicians_see_their_own_encounters_admins_see_all():
    mine = Encounter(id="e1", created=utc_now(), source_name="a.wav", engine="offline", owner="alice")
    theirs = Encounter(id="e2", created=utc_now(), source_name="b.wav", engine="offline", owner="bob")
    alice = Viewer(User("alice", "clinician"))
    admin = Viewer(User("root", "admin"))
    assert alice.owner_filter == "alice" and admin.owner_filter is None
    assert alice.check(mine) is mine and admin.check(theirs) is theirs
    with pytest.raises(AccessDeniedError, match="You do not have access to this encounter"):
        alice.check(theirs)
