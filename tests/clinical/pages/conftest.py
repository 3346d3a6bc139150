"""The page tests' fixtures (fake engines behind the services seam), shared from tests/ui."""

from tests.ui.conftest import app, loopback_address, ready_id, services, transcriber, writer  # noqa: F401
