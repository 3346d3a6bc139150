"""One settings registry: parsing, the sidebar list, `.env.example` and the tests' clean environment agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scribe_core.config import Secret, Settings, env_names, registry
from scribe_core.errors import ConfigurationError
from scribe_core.settings_registry import render_env_example
from tests.conftest import SCRIBE_ENV
from ui.engine import settings_rows

ROOT = Path(__file__).resolve().parents[2]
# Variables read by developer tools only (never by the app or CLI), so not settings a clinic sets.
TOOL_ONLY = {
    "SCRIBE_SHARED_DATA": "where `python -m scribe_core.eval` finds evaluation data",
    "SCRIBE_FAREEZ_DIR": "the Fareez recordings for the evaluation",
}
# A non-default value for each kind, as a person would write it in .env.
SAMPLES = {"text": "custom", "choice": "offline", "url": "http://127.0.0.1:9/", "secret": "sk-sample",
           "flag": "", "number": "7.5", "path": "/tmp/scribe-sample", "list": "a, b",
           "emails": "Doc@Clinic.org", "numbers": "1,2"}


def test_env_example_is_generated_from_the_registry():
    assert (ROOT / ".env.example").read_text() == render_env_example(registry()), (
        "regenerate: python -m scribe_core.settings_registry > .env.example")


def test_every_variable_the_code_reads_is_registered():
    names = set(env_names())
    sources = [ROOT / "streamlit_app.py", *(ROOT / "scripts").iterdir(), *(ROOT / "ui").rglob("*.py"),
               *(p for folder in ("pages", "pages") for p in (ROOT / folder).rglob("*.py")),
               *(ROOT / "scribe_core").rglob("*.py")]
    assert any(p.parent.name in ("pages", "pages") for p in sources)  # the pages really were scanned
    pattern = re.compile(r"\b(?:SCRIBE|ASSEMBLYAI|LLM)_[A-Z][A-Z0-9_]*[A-Z0-9]\b")
    read = {m for p in sources if p.is_file() for m in pattern.findall(p.read_text())}
    # Constants that are not variables (ASSEMBLYAI_US/EU hosts, ...) are upper-case names defined in code.
    defined = {m for p in sources if p.suffix == ".py" for m in re.findall(r"^([A-Z_0-9]+)\s*=", p.read_text(), re.M)}
    unregistered = sorted(read - names - set(TOOL_ONLY) - defined)
    assert unregistered == [], f"register these in scribe_core/config.py: {unregistered}"


def test_the_clean_test_environment_removes_every_setting():
    assert set(SCRIBE_ENV) == set(env_names())


def test_the_sidebar_lists_exactly_the_registered_variables_and_each_is_read_by_from_env():
    rows = settings_rows(Settings.from_env({}))
    assert [r["setting"] for r in rows] == list(env_names())
    assert "JOB_RETRY_DELAYS_S" not in {r["setting"] for r in rows}
    for spec in registry():
        text = "false" if spec.kind == "flag" and spec.example == "true" else SAMPLES[spec.kind] or "true"
        settings = Settings.from_env({spec.env: text})
        row = next(r for r in settings_rows(settings) if r["setting"] == spec.env)
        assert row["status"] in ("✓ configured", "✓ set"), (spec.env, row)
        if spec.secret:
            assert isinstance(getattr(settings, spec.attr), Secret) and "sk-sample" not in repr(row)


def test_a_bad_number_names_the_variable():
    with pytest.raises(ConfigurationError, match="SCRIBE_RETENTION_HOURS must be a number"):
        Settings.from_env({"SCRIBE_RETENTION_HOURS": "three days"})
    with pytest.raises(ConfigurationError, match="SCRIBE_JOB_RETRY_DELAYS_S must be comma-separated numbers"):
        Settings.from_env({"SCRIBE_JOB_RETRY_DELAYS_S": "15,soon"})


def test_values_are_parsed_by_kind():
    s = Settings.from_env({"SCRIBE_ADMIN_EMAILS": " Doc@Clinic.org, b@c.d ", "SCRIBE_JOB_RETRY_DELAYS_S": "1, 2.5",
                           "SCRIBE_DATA_DIR": "~/scribe", "SCRIBE_ENGINE": " Offline ", "LLM_GATEWAY_BASE_URL": "http://h/v1/"})
    assert s.admin_emails == ("doc@clinic.org", "b@c.d") and s.job_retry_delays_s == (1.0, 2.5)
    assert s.data_dir == Path("~/scribe").expanduser() and s.engine == "offline"
    assert s.llm_gateway_base_url == "http://h/v1"
    assert Settings.from_env({"SCRIBE_JOB_RETRY_DELAYS_S": " , "}).job_retry_delays_s == Settings().job_retry_delays_s
