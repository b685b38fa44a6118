"""The contract has one home: `sitegen/contract.py` imports nothing of sitegen, every stage imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sitegen import contract

SITEGEN = Path(__file__).resolve().parents[1] / "sitegen"


def _imports(path: Path) -> set[str]:
    """Modules a file imports, resolved to dotted names under sitegen."""
    package = ["sitegen", *path.relative_to(SITEGEN).parent.parts]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            out.add(".".join([*base, *(node.module or "").split(".")]).strip("."))
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_contract_imports_nothing_of_sitegen():
    assert not {m for m in _imports(SITEGEN / "contract.py") if m.startswith("sitegen")}


@pytest.mark.parametrize("room,forbidden", [("disclosure", "sitegen.package"), ("extract", "sitegen.disclosure"),
                                            ("extract", "sitegen.package")])
def test_dependencies_point_one_way(room, forbidden):
    for path in (SITEGEN / room).rglob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(forbidden)}
        assert not bad, f"{path.name} imports {bad}"


def test_schemas_module_still_re_exports_the_contract():
    from sitegen.package import schemas

    assert schemas.BY_NAME is contract.BY_NAME and schemas.RESOURCES is contract.RESOURCES


def test_every_resource_name_is_declared_once():
    names = [r.name for r in (*contract.RESOURCES, *contract.FINAL_RESOURCES)]
    assert len(names) == len(set(names))
    assert {r.kind for r in contract.FINAL_RESOURCES} == {"final"}
    assert all(r.name.startswith("final_") for r in contract.FINAL_RESOURCES)
