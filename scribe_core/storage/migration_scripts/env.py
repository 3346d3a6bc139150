"""Alembic runs on the connection the store hands it (storage.migrations), inside its transaction."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through scribe_core.storage.migrations.migrate (it passes the connection).")
context.configure(connection=connection, target_metadata=None, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
