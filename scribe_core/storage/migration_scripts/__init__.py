"""Alembic's environment and revisions for the store (run by storage.migrations, never imported)."""
