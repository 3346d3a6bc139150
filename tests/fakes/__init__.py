"""Test doubles: fakes that record state, used instead of patching."""
