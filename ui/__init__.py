"""Shared helpers for the Streamlit pages: services, encounter selection, labels and widgets.

Pages stay thin: they read widgets, call one `scribe_core` function (through `ui.actions` or the
services) and render. Nothing here talks HTTP or SQLite.
"""
