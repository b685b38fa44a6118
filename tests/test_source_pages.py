"""source_page on narrative statements and performance targets, checked against the PDF's own text."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import pdf_path


def _page_texts(doc: str, style: str) -> list[str]:
    with pdfplumber.open(pdf_path(doc, style)) as pdf:
        return [re.sub(r"\s+", "", p.extract_text() or "").replace(",", "") for p in pdf.pages]


@pytest.mark.parametrize("doc,style", [("002", "A"), ("003", "B")])
def test_every_statement_names_the_page_that_prints_it(parsed, doc, style):
    rows = parsed(doc, style).records["narrative_changes"]
    texts = _page_texts(doc, style)
    pages = [r.get("source_page") for r in rows]
    assert rows and all(pages), pages
    assert pages == sorted(pages)  # document order
    for row in rows:
        number = row["amount"] if row["amount"] is not None else row["change"]
        assert re.search(re.escape(format(abs(number), "f")) + r"万?元", texts[row["source_page"] - 1]), row


def test_statement_pages_of_yanqi_as_read_from_the_rendered_pdf(parsed):
    """Checked by eye on the rendered pages: 当年拨款 is on p.16 (p.15 prints the same 371.14 for 支出预算)."""
    by_section = {r["section"]: r["source_page"] for r in parsed("002", "A").records["narrative_changes"]}
    assert by_section["支出预算/基本支出"] == 15
    assert by_section["一般公共预算当年拨款/基本支出"] == 16
    assert by_section["社会保障和就业支出/企业改革补助/企业关闭破产补助"] == 17
    assert by_section["三公经费"] == 19
    assert by_section["运行经费"] == 20


@pytest.mark.parametrize("doc,style", [("002", "A"), ("003", "B"), ("004", "C")])
def test_every_target_names_the_page_that_prints_it(parsed, doc, style):
    rows = parsed(doc, style).records["performance_targets"]
    texts = _page_texts(doc, style)
    assert rows
    for row in rows:
        page = row.get("source_page")
        assert page, row
        assert re.sub(r"\s+", "", row["level3"])[:6] in texts[page - 1], (page, row["level3"])
