"""The audit: the document's own arithmetic, checked and reported, never corrected."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..disclosure.model import Disclosure
from .checks import Finding, audit_tables
from .wording import WORDING_CHECKS, wording_findings

__all__ = ["Finding", "audit_disclosure", "audit_package"]


def _label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


def audit_disclosure(disclosure: Disclosure) -> tuple[list[Finding], int]:
    """Audit the in-memory model (what the writer is about to publish)."""
    tables = {name: t.rows for name, t in disclosure.tables.items()}
    tables.update(disclosure.records)
    titles = {name: _label(t.table_number, t.title) for name, t in disclosure.tables.items()}
    units = {name: t.unit for name, t in disclosure.tables.items()}
    notes = {name: t.note for name, t in disclosure.tables.items() if t.note}
    findings, checks = audit_tables(tables, titles, units, disclosure.unit, notes)
    if disclosure.narrative:
        wording = wording_findings(disclosure.narrative, disclosure.tables, disclosure.records, disclosure.unit)
        findings += wording
        checks += len(WORDING_CHECKS)
    return findings, checks


def audit_package(folder: Path) -> tuple[list[Finding], int, dict]:
    """Audit a written package from its CSVs; also return its descriptor."""
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables, titles, units, notes = {}, {}, {}, {}
    for res in descriptor.get("resources", []):
        path = folder / res.get("path", "")
        if res.get("format") != "csv" or not path.is_file():
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            tables[res["name"]] = list(csv.DictReader(fh))
        titles[res["name"]] = _label(res.get("table_number", ""), res.get("title", ""))
        units[res["name"]] = res.get("unit", "万元")
        if "空表" in res.get("description", ""):
            notes[res["name"]] = res["description"]
    findings, checks = audit_tables(tables, titles, units, descriptor.get("unit"), notes)
    # the wording checks need the document's text: keep what the build found
    try:
        built = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
        kept = [Finding(**f) for f in built.get("findings", []) if f.get("check") in WORDING_CHECKS]
        findings += kept
        checks += len(WORDING_CHECKS) if kept or built.get("findings") is not None else 0
    except (OSError, json.JSONDecodeError, TypeError):
        pass
    return findings, checks, descriptor
