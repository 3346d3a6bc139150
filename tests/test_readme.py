"""The README's first screen: how to run and test the scribe, where its data lives, and working links."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_SCREEN = 40


def _first_screen() -> str:
    return "\n".join((REPO / "README.md").read_text(encoding="utf-8").splitlines()[:FIRST_SCREEN])


def test_the_first_screen_has_both_commands_and_where_the_data_lives():
    head = _first_screen()
    assert "bash scripts/run" in head
    assert "bash scripts/test" in head  # .ci/run runs exactly this command
    assert "bash scripts/test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "~/.local/share/ai-scribe" in head and "SCRIBE_DATA_DIR" in head


def test_the_data_location_the_readme_names_is_the_settings_default():
    from scribe_core.config import default_data_dir

    assert str(default_data_dir()).replace(str(Path.home()), "~") == "~/.local/share/ai-scribe"


def test_every_link_of_the_first_screen_leads_to_a_file_in_the_repository():
    links = re.findall(r"\]\(([^)#]+)\)", _first_screen())
    assert len(links) >= 8
    for link in links:
        assert (REPO / link).is_file(), link
