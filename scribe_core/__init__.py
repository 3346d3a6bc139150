"""scribe_core: the AI medical scribe's engine room (domain, engines, note writers, store, pipeline)."""

__version__ = "0.1.0"
