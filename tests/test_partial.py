"""Partial documents: a narrative published without its tables, a tables-only attachment."""

from __future__ import annotations

import csv
import json

import pypdfium2 as pdfium
from click.testing import CliRunner
from conftest import pdf_path, truth_rows, truth_unit

from sitegen.cli import cli


def _split(source, pages, target) -> None:
    out = pdfium.PdfDocument.new()
    out.import_pages(source, pages)
    out.save(str(target))


def test_narrative_without_tables_still_yields_a_package(tmp_path):
    """004's 情况说明 pages alone (tables 3–13 cut out): unit facts, narrative figures and targets
    are published, with a warning that the tables are absent."""
    content = tmp_path / "content"
    content.mkdir()
    source = pdfium.PdfDocument(str(pdf_path("004", "A")))
    _split(source, [0, 1, 2, *range(14, len(source))], content / "text.pdf")
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(tmp_path / "dp"),
                                      "--out", str(tmp_path / "site"), "--cache", ""])
    assert result.exit_code == 0, result.output
    assert "built 1 disclosures" in result.output
    folder = next((tmp_path / "dp").glob("*/2025-budget"))
    dp = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert dp["unit"]["name"] == truth_unit("004")["name"]
    assert any("tables are absent" in w for w in dp["sitegen"]["warnings"])
    with open(folder / "narrative_changes.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(truth_rows("004", "narrative_changes"))
    with open(folder / "performance_targets.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(truth_rows("004", "performance_targets"))
    with open(folder / "expenditure_summary.csv", encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == []  # absent, never invented
    desc = next(r for r in dp["resources"] if r["name"] == "expenditure_summary")
    assert "未印出" in desc["description"]


def test_a_document_that_is_no_disclosure_is_still_refused(tmp_path):
    (tmp_path / "note.txt").write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(tmp_path / "note.txt"), "--out", str(tmp_path / "dp")])
    assert "no budget table found" in result.output
