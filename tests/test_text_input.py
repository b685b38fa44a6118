"""Disclosures that arrive as text (source.txt): the same packages as from PDF.

Plain text loses the column positions; the numbers are placed by the template's arithmetic.
Cells listed in truth/ambiguous.json cannot be placed from text: the parser must leave them
empty and say so, never guess.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import DOCS, FIXTURES
from test_tables_pdf import diff_cells

from sitegen.disclosure import parse_document
from sitegen.extract import read_document


@pytest.fixture(scope="module")
def from_text():
    cache = {}

    def get(doc):
        if doc not in cache:
            cache[doc] = parse_document(read_document(FIXTURES / doc / "source.txt"))
        return cache[doc]

    return get


def _ambiguous(doc: str) -> list[tuple[str, str]]:
    path = FIXTURES / doc / "truth" / "ambiguous.json"
    if not path.exists():
        return []
    return [(s["resource"], c) for s in json.loads(path.read_text(encoding="utf-8"))["skip"] for c in s["columns"]]


@pytest.mark.parametrize("doc", DOCS)
def test_text_tables_equal_truth(from_text, doc):
    d = from_text(doc)
    total, diffs = diff_cells(doc, d)
    skip = _ambiguous(doc)
    unexplained = [x for x in diffs if not any(x.startswith(f"{r} ") and f" {c}:" in x for r, c in skip)]
    assert total > 1400
    assert not unexplained, "\n".join(unexplained[:30])
    for x in diffs:
        assert x.endswith("got None"), f"a value was guessed: {x}"


@pytest.mark.parametrize("doc", DOCS)
def test_unplaceable_values_are_reported(from_text, doc):
    d = from_text(doc)
    skip = _ambiguous(doc)
    reported = [str(w) for w in d.warnings if "cannot place" in str(w)]
    for resource, _ in skip[:1]:
        title = d.tables[resource].title
        assert any(title in w and "candidates" in w for w in reported), reported


@pytest.mark.parametrize("doc", DOCS)
def test_text_tables_have_no_page(from_text, doc):
    d = from_text(doc)
    assert all(row["source_page"] is None for t in d.tables.values() for row in t.rows)
    assert re.match(r"\d{4}", str(d.unit["year"]))


@pytest.mark.parametrize("doc", DOCS)
def test_text_performance_targets_equal_truth(from_text, doc):
    from conftest import truth_rows
    from test_text_parts import _diff

    assert _diff(truth_rows(doc, "performance_targets"), from_text(doc).records["performance_targets"]) == []


@pytest.mark.parametrize("doc", DOCS)
def test_text_narrative_with_its_own_tables(from_text, doc):
    """The narrative's 类/款/项 codes now come from the text's own tables."""
    from conftest import truth_rows
    from test_text_parts import _diff

    assert _diff(truth_rows(doc, "narrative_changes"), from_text(doc).records["narrative_changes"]) == []


@pytest.mark.parametrize("doc", DOCS)
def test_text_unit_object(from_text, doc):
    from test_text_parts import _unit_diff

    assert _unit_diff(doc, from_text(doc).unit) == []


@pytest.mark.parametrize("style", ["A", "B", "C"])
@pytest.mark.parametrize("doc", ["002", "003"])
def test_text_exported_from_the_pdfs_never_misplaces_a_number(doc, style):
    """Another kind of text: the PDFs' own lines, names wrapped around their numbers. Names may
    come out imperfect, but a number is either in its true column or left empty."""
    from conftest import pdf_path

    from sitegen.extract.document import Document, Page
    from sitegen.package.schemas import TABLE_RESOURCES

    pdf = read_document(pdf_path(doc, style))
    text = Document("x.txt", pdf.sha256, [Page(p.number, lines=list(p.lines)) for p in pdf.pages], "text/plain")
    total, diffs = diff_cells(doc, parse_document(text))
    money = {f.name for r in TABLE_RESOURCES for f in r.value_fields}
    wrong = [x for x in diffs if x.split(" ")[3].rstrip(":") in money and not x.endswith("got None")]
    assert wrong == []
    assert len(diffs) < 0.02 * total
