"""The audit: the document's own arithmetic, checked and reported, never corrected.

One path: the build and `sitegen validate` audit the same thing — the published CSVs, read
back as text — so they report the same findings. The text checks (`declared.TEXT_CHECKS`)
need the narrative, which no CSV holds: the build runs them and `audit.json` keeps them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from ..disclosure.model import Disclosure
from .checks import audit_tables
from .declared import CHECKS, TEXT_CHECKS, Finding
from .wording import text_findings

__all__ = ["CHECKS", "Finding", "audit_disclosure", "audit_files", "audit_package", "audit_for_build"]


def _label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


def _printed(rows: list[dict], unprinted) -> list[dict]:
    """Rows without the contract columns the table does not print (the audit skips those)."""
    if not unprinted:
        return rows
    gone = set(unprinted)
    return [{k: v for k, v in r.items() if k not in gone} for r in rows]


def audit_files(descriptor: dict, read: Callable[[str], bytes | None],
                text: list[Finding], text_checks: int) -> tuple[list[Finding], int]:
    """Audit a package's CSVs (`read(path)` gives a resource's bytes) plus its text findings."""
    tables, titles, units, notes, columns, text_columns = {}, {}, {}, {}, {}, {}
    for res in descriptor.get("resources", []):
        data = read(str(res.get("path", ""))) if res.get("format") == "csv" else None
        if data is None:
            continue
        name = res["name"]
        tables[name] = _printed(list(csv.DictReader(io.StringIO(data.decode("utf-8")))), res.get("unprinted_fields"))
        titles[name] = _label(res.get("table_number", ""), res.get("title", ""))
        units[name] = res.get("unit", "万元")
        fields = res.get("schema", {}).get("fields", [])
        columns[name] = {f["name"]: f.get("title", f["name"]) for f in fields}
        text_columns[name] = {f["name"] for f in fields if f["name"].startswith("x_") and f.get("type") == "string"}
        if "空表" in res.get("description", ""):
            notes[name] = res["description"]
    findings, checks = audit_tables(tables, titles, units, descriptor.get("unit"), notes, columns, text_columns)
    return findings + list(text), checks + text_checks


def audit_for_build(files: dict[str, bytes], descriptor: dict, disclosure: Disclosure) -> tuple[list[dict], int, int]:
    """The build's audit of a package about to be written: (findings, checks run, text checks run)."""
    text = text_findings(disclosure.narrative, disclosure.tables, disclosure.records, disclosure.unit)
    findings, checks = audit_files(descriptor, files.get, text, len(TEXT_CHECKS))
    return [f.to_dict() for f in findings], checks, len(TEXT_CHECKS)


def audit_disclosure(disclosure: Disclosure) -> tuple[list[Finding], int]:
    """Audit a parsed document exactly as its package will be audited (CSV rows, as published)."""
    from ..package.writer import assemble

    files, descriptor = assemble(disclosure, "unit")
    findings, checks, _ = audit_for_build(files, descriptor, disclosure)
    return [Finding.from_dict(f) for f in findings], checks


def _reader(folder: Path) -> Callable[[str], bytes | None]:
    """Read a resource file of the package; never a path that leaves its folder."""
    root = folder.resolve()

    def read(path: str) -> bytes | None:
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target.read_bytes()

    return read


def audit_package(folder: Path) -> tuple[list[Finding], int, dict]:
    """Audit a written package from its CSVs and the text findings its build kept."""
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    try:
        built = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        built = {}
    text = [Finding.from_dict(f) for f in built.get("findings", []) if f.get("check") in TEXT_CHECKS]
    findings, checks = audit_files(descriptor, _reader(folder), text, int(built.get("text_checks_run", 0)))
    return findings, checks, descriptor
