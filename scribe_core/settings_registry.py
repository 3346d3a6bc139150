"""The one list of settings: name, environment variable, type, default, secret or not, help text.

Every setting is declared once, as a field of `config.Settings` built with `setting(...)`. From that
declaration come `Settings.from_env` (parsing and errors), the sidebar's settings list, `.env.example`
(checked by a test) and the tests' clean environment. Adding a setting is one field declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigurationError


class Secret:
    """A string that never shows itself in repr/str/logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def parse_flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


# How a value written in the environment becomes a Python value, by kind. A ValueError from a parser
# becomes a ConfigurationError that names the variable.
PARSERS: dict[str, Callable[[str], Any]] = {
    "text": lambda text: text.strip(),
    "choice": lambda text: text.strip().lower(),
    "url": lambda text: text.strip().rstrip("/"),
    "secret": lambda text: Secret(text.strip()),
    "flag": parse_flag,
    "number": float,
    "path": lambda text: Path(text.strip()).expanduser(),
    "list": lambda text: tuple(_split(text)),
    "emails": lambda text: tuple(e.lower() for e in _split(text)),
    "numbers": lambda text: tuple(float(v) for v in _split(text)),
}

KIND_WORDS = {"number": "a number", "numbers": "comma-separated numbers", "flag": "true or false"}


@dataclass(frozen=True)
class SettingSpec:
    """One setting. `example` is the default as written in `.env` ("" = empty, i.e. automatic/unset)."""

    env: str
    kind: str
    help: str
    example: str
    group: str
    attr: str = ""  # the Settings field; filled in by `specs_of()`

    @property
    def secret(self) -> bool:
        return self.kind == "secret"

    def parse(self, text: str) -> Any:
        try:
            return PARSERS[self.kind](text)
        except ValueError as exc:
            raise ConfigurationError(
                f"{self.env} must be {KIND_WORDS.get(self.kind, 'valid')}; it is set to something else."
            ) from exc


def setting(env: str, kind: str, default: Any, help: str, *, example: str | None = None,
            group: str = "scribe") -> Any:
    """A Settings field declared with its environment variable, kind, default and help text.

    `default` may be a zero-argument callable for defaults that depend on the machine (the data dir).
    """
    if kind not in PARSERS:
        raise ValueError(f"unknown setting kind {kind!r}")
    if example is None:
        shown = default() if callable(default) else default
        if isinstance(shown, tuple):
            example = ",".join(_plain(v) for v in shown)
        elif isinstance(shown, Secret):
            example = ""
        elif isinstance(shown, bool):
            example = "true" if shown else "false"
        else:
            example = _plain(shown)
    spec = SettingSpec(env=env, kind=kind, help=help, example=example, group=group)
    if callable(default):
        return field(default_factory=default, metadata={"setting": spec})
    return field(default=default, metadata={"setting": spec})


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def specs_of(settings_cls: type) -> tuple[SettingSpec, ...]:
    """Every setting of a settings dataclass (config.Settings: `config.registry()`), in declaration order."""
    specs = []
    for f in fields(settings_cls):
        spec = f.metadata.get("setting")
        if spec is None:
            raise TypeError(f"Settings.{f.name} is not declared with setting(...)")
        specs.append(SettingSpec(**{**spec.__dict__, "attr": f.name}))
    return tuple(specs)


def default_value(f: Field[Any]) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    raise TypeError(f"Settings.{f.name} has no default")


def parse_env(settings_cls: type, env: Mapping[str, str]) -> dict[str, Any]:
    """Settings field values from environment-style strings; unset or empty variables keep the default."""
    values: dict[str, Any] = {}
    for f, spec in zip(fields(settings_cls), specs_of(settings_cls), strict=True):
        text = env.get(spec.env)
        if text is None or not text.strip():
            continue
        value = spec.parse(text)
        if value == () or value == "":  # "," or whitespace only: as if unset
            continue
        values[f.name] = value
    return values


def shown_value(value: object) -> str:
    if isinstance(value, Secret):
        return "set" if value else "not set"
    if isinstance(value, tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _plain(value)


def describe(settings: Any) -> list[tuple[str, str, str, bool]]:
    """(environment variable, shown value, default shown, is default) per setting; never a secret's value."""
    rows = []
    for f, spec in zip(fields(settings), specs_of(type(settings)), strict=True):
        value = getattr(settings, f.name)
        default = default_value(f)
        rows.append((spec.env, shown_value(value), shown_value(default), value == default))
    return rows


GROUP_TITLES = {
    "assemblyai": "AssemblyAI (cloud engine)",
    "llm": "Note writer (any OpenAI-compatible endpoint)",
    "scribe": "The scribe",
    "access": "Sign-in and serving",
    "deploy": "Database and workers (several machines)",
    "ehr": "Send to EHR (FHIR R4 with SMART Backend Services)",
}


def render_env_example(specs: tuple[SettingSpec, ...]) -> str:
    """The text of `.env.example` from `config.registry()`: every setting with its help text, grouped,
    defaults filled in."""
    lines = [
        "# Copy to .env and fill in what you use. Every setting but SCRIBE_ENCRYPTION_KEY is optional: with no",
        "# AssemblyAI key the offline engine runs and no patient data leaves this machine.",
        "# Generated from scribe_core/settings_registry.py (python -m scribe_core.settings_registry > .env.example).",
    ]
    for group, title in GROUP_TITLES.items():
        members = [s for s in specs if s.group == group]
        if not members:
            continue
        lines += ["", f"# --- {title} ---"]
        for spec in members:
            lines += [f"# {line}" for line in spec.help.splitlines()]
            lines.append(f"{spec.env}={spec.example}")
    unknown = {s.group for s in specs} - set(GROUP_TITLES)
    if unknown:
        raise ValueError(f"settings in groups without a title: {sorted(unknown)}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # a script, not an import: the settings are read from config here
    from scribe_core.config import registry as settings_registry

    print(render_env_example(settings_registry()), end="")
