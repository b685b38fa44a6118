"""Inventory truth files (tests/fixtures/inventory/*.json) are well-formed.

Each file is hand-read ground truth for one real PDF: which tables it prints, on which
pages, mapped to which contract resource, with row counts, the total row and sample rows.
This test checks only the files' shape, so that the parser tests built on them can trust
their keys and types; it makes no claim about the parser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[1]
INVENTORY = ROOT / "tests" / "fixtures" / "inventory"
FILES = sorted(INVENTORY.glob("*.json"))

# Resource names of docs/DATA-CONTRACT.md (budget tables, final accounts) plus "extra".
RESOURCES = {
    "income_expenditure_summary",
    "income_summary",
    "expenditure_summary",
    "fiscal_summary",
    "general_budget_expenditure",
    "general_basic_expenditure",
    "general_project_expenditure",
    "fund_budget_expenditure",
    "state_capital_expenditure",
    "three_public_expenses",
    "prior_year_carryover",
    "performance_targets",
    "final_income_expenditure_summary",
    "final_income",
    "final_expenditure",
    "final_fiscal_summary",
    "final_general_budget_expenditure",
    "final_general_basic_expenditure",
    "final_three_public_expenses",
    "final_fund_budget",
    "final_state_capital",
    "extra",
}
MONEY_UNITS = {"元", "万元"}
THOUSANDS = re.compile(r"\d,\d{3}")


def _page_count(pdf: Path) -> int:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def _check_values(values: object, where: str) -> None:
    assert isinstance(values, list), f"{where}: values must be a list"
    for value in values:
        assert isinstance(value, str), f"{where}: value {value!r} must be a string"
        assert not THOUSANDS.search(value), f"{where}: {value!r} keeps a thousands separator"


def _check_pages(pages: object, count: int, where: str) -> None:
    assert isinstance(pages, list) and pages, f"{where}: pages must be a non-empty list"
    assert all(isinstance(p, int) and 1 <= p <= count for p in pages), (
        f"{where}: pages {pages} outside 1..{count}"
    )
    assert pages == sorted(set(pages)), f"{where}: pages {pages} not ascending and unique"


def _check_sample(sample: object, where: str) -> None:
    assert isinstance(sample, dict), f"{where}: sample must be an object"
    assert {"code", "label", "values"} <= sample.keys(), f"{where}: sample lacks code/label/values"
    assert isinstance(sample["code"], str) and (sample["code"] == "" or sample["code"].isdigit()), (
        f"{where}: code {sample['code']!r} must be digits or empty"
    )
    assert isinstance(sample["label"], str), f"{where}: label must be a string"
    _check_values(sample["values"], where)
    if "side" in sample:
        assert sample["side"] in ("income", "expenditure"), f"{where}: side {sample['side']!r}"


def _check_table(table: dict, count: int, where: str) -> None:
    for key, kind in (
        ("title", str),
        ("number", str),
        ("resource", str),
        ("money_unit", str),
        ("empty", bool),
        ("rows", int),
        ("samples", list),
    ):
        assert isinstance(table.get(key), kind), f"{where}: {key} must be {kind.__name__}"
    assert table["title"].strip(), f"{where}: empty title"
    assert "\n" not in table["title"], f"{where}: title keeps a line break"
    assert table["resource"] in RESOURCES, f"{where}: unknown resource {table['resource']!r}"
    assert table["money_unit"] in MONEY_UNITS, f"{where}: money_unit {table['money_unit']!r}"
    _check_pages(table.get("pages"), count, where)
    assert table["rows"] >= len(table["samples"]), f"{where}: fewer rows than samples"
    total = table.get("total")  # null where the table prints no total row
    if total is not None:
        assert isinstance(total, dict), f"{where}: total must be an object or null"
        assert isinstance(total.get("label"), str), f"{where}: total.label must be a string"
        _check_values(total.get("values"), f"{where} total")
    if not table["empty"]:
        assert table["rows"] >= 1, f"{where}: a table with data has at least one row"
    for n, sample in enumerate(table["samples"], start=1):
        _check_sample(sample, f"{where} sample {n}")
    if "three_public_total" in table:
        assert isinstance(table["three_public_total"], str)


def test_inventory_folder_has_files():
    assert FILES, f"no inventory truth files in {INVENTORY}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_inventory_file_is_well_formed(path: Path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    for key, kind in (
        ("file", str),
        ("unit", str),
        ("year", int),
        ("kind", str),
        ("money_unit", str),
        ("tables", list),
    ):
        assert isinstance(doc.get(key), kind), f"{path.name}: {key} must be {kind.__name__}"
    pdf = ROOT / doc["file"]
    assert pdf.is_file(), f"{path.name}: {doc['file']} does not exist"
    assert pdf.stem == path.stem, f"{path.name} describes {doc['file']}"
    assert doc["unit"].strip(), f"{path.name}: empty unit"
    assert 2000 <= doc["year"] <= 2100, f"{path.name}: year {doc['year']}"
    assert doc["kind"] in ("budget", "final"), f"{path.name}: kind {doc['kind']!r}"
    assert doc["money_unit"] in MONEY_UNITS, f"{path.name}: money_unit {doc['money_unit']!r}"
    # A narrative-only document (e.g. a scanned 情况说明) may list no tables.
    count = _page_count(pdf)
    if "contents_page" in doc:
        _check_pages(doc["contents_page"], count, f"{path.name} contents_page")
    if "three_public_total" in doc:
        assert isinstance(doc["three_public_total"], str)
    for n, item in enumerate(doc.get("printed_inconsistencies", []), start=1):
        assert isinstance(item.get("what"), str) and item["what"], f"{path.name}: finding {n}"
        _check_pages(sorted(item.get("pages") or []), count, f"{path.name} finding {n}")
    for n, table in enumerate(doc["tables"], start=1):
        assert isinstance(table, dict), f"{path.name} table {n} must be an object"
        _check_table(table, count, f"{path.name} table {n} ({table.get('title')})")
