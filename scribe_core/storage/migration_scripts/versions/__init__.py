"""The store's revisions, oldest first: 0001 is the schema adopted from the last release before Alembic."""
