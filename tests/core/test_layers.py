"""The core's layers: persistence only in storage/, imports only from a higher layer to a lower one, and no
import cycle between the layers' units.

Each test reads the source (ast), so it checks every module, imported or not.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "scribe_core"

# Lowest first. A module may import from its own layer and any layer below, never from one above.
LAYERS: list[set[str]] = [
    {"errors", "model", "config", "settings_registry", "crypto", "http", "audio", "audio_decode", "audio_magic",
     "clinical_lexicon", "clinical_keep_list", "pii_policy", "keyterms", "patient",
     "loinc", "note_template", "section_roles",  # a template and its sections' roles: read by every layer above
     "pcm_format"},
    {"storage", "store"},
    {"accounts", "access"},
    {"clinical"},  # the offline clinical reading of a transcript: below the engines and writers that use it
    {"engines"},
    {"notes"},
    {"documents"},
    {"providers"},  # the registry of engines and writers: their classes are imported on first use
    {"usecases", "encounter_list"},
    {"live"},
    {"worker", "jobs", "eval"},
    {"bootstrap"},
    {"cli", "cli_admin", "cli_documents", "cli_encounters", "cli_notes", "cli_worker", "__main__"},
]

def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _without_script_block(tree: ast.Module) -> ast.Module:
    """The module less its `if __name__ == "__main__":` block: what a script run does is no import of the module."""
    def script(node: ast.stmt) -> bool:
        test = getattr(node, "test", None)
        return (isinstance(node, ast.If) and isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
                and test.left.id == "__name__")
    tree.body = [n for n in tree.body if not script(n)]
    return tree


def _imports(path: Path) -> set[str]:
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(_without_script_block(ast.parse(path.read_text()))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                found |= {target} if node.module else {f"{target}.{a.name}" for a in node.names}
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.startswith("scribe_core.")}


def back_arrows() -> dict[tuple[str, str], list[str]]:
    rank = {unit: i for i, layer in enumerate(LAYERS) for unit in layer}
    arrows: dict[tuple[str, str], list[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        here = _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for target in _imports(path):
            there = _unit(target)
            if there != here and rank[there] > rank[here]:
                arrows.setdefault((here, there), []).append(str(path.relative_to(CORE)))
    return arrows


def test_every_core_module_has_a_layer():
    units = {p.stem if p.parent == CORE else p.relative_to(CORE).parts[0] for p in CORE.rglob("*.py")}
    assert units - {"__init__", "py"} - set().union(*LAYERS) == set()


def test_imports_go_only_from_a_higher_layer_to_a_lower_one():
    assert back_arrows() == {}


def unit_graph() -> dict[str, set[str]]:
    """Which unit (a top-level module or package of the core) imports which other units."""
    graph: dict[str, set[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        here = _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
        graph.setdefault(here, set()).update(t for t in map(_unit, _imports(path)) if t != here)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle between units, found by a depth-first walk (one path per cycle's first edge back)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(unit: str, path: list[str]) -> None:
        for target in sorted(graph.get(unit, ())):
            if target in path:
                found.append(path[path.index(target):] + [target])
            elif target not in done:
                walk(target, path + [target])
        done.add(unit)

    for unit in sorted(graph):
        if unit not in done:
            walk(unit, [unit])
    return found


def test_the_cycle_walk_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_import_cycle_between_the_layers_units():
    assert cycles(unit_graph()) == []


def store_shortcuts(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: imports sqlalchemy" for n in names if n.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.Attribute) and node.attr in ("db", "vault"):
            owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
            if owner in ("store", "_store"):
                found.append(f"line {node.lineno}: reaches store.{node.attr}")
    return found


def test_the_store_scan_catches_sqlalchemy_and_the_stores_insides():
    planted = ("from sqlalchemy import select\nimport sqlalchemy.exc\nwith self.store.db.transaction(): pass\n"
               "store.vault.seal('x')\nstore.save_note('e1', note)\n")
    assert sorted(store_shortcuts(planted)) == ["line 1: imports sqlalchemy", "line 2: imports sqlalchemy",
                                        "line 3: reaches store.db", "line 4: reaches store.vault"]


def test_persistence_lives_only_in_storage():
    found = {str(p.relative_to(CORE)): v for p in sorted(CORE.rglob("*.py"))
             if p.relative_to(CORE).parts[0] != "storage" and (v := store_shortcuts(p.read_text()))}
    assert found == {}
