"""What the sidebar says about engines and settings (never a secret's value).

Both come from the core: where data goes from `scribe_core.providers.data_route` (the same rule
that picks the note writer), the settings list from the settings registry.
"""

from __future__ import annotations

from scribe_core import providers
from scribe_core.bootstrap import Services
from scribe_core.config import Settings, registry
from scribe_core.settings_registry import describe

# The sidebar's name for a data route (kept for the pages that import it).
EngineInfo = providers.DataRoute


def engine_info(services: Services, engine: str | None = None) -> providers.DataRoute:
    """Where an engine's audio and transcript text go, read from the provider classes without building them."""
    scribe = services.scribe
    return providers.data_route(services.settings, engine,
                                built_engine=lambda name: scribe.transcribers[name](),
                                built_writer=scribe.writer_for_engine)


def usable_engines(services: Services) -> list[str]:
    """Engines a user may pick: those needing a key only when it is set; the default engine first."""
    return providers.usable_engines(services.settings, list(services.scribe.transcribers))


def settings_rows(settings: Settings) -> list[dict[str, str]]:
    """One row per registered setting: env var, whether it is configured, and a value safe to show."""
    rows = []
    for spec, (env, shown, _default, is_default) in zip(registry(), describe(settings), strict=True):
        if spec.secret:
            status, text = ("✓ set" if shown == "set" else "✗ not set"), ""
        else:
            status, text = ("default" if is_default else "✓ configured"), shown or "(automatic)"
        rows.append({"setting": env, "status": status, "value": text})
    return rows
