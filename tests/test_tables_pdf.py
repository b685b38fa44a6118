"""Every cell of the eleven table resources, from every corpus PDF style, equals the truth."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from conftest import DOCS, STYLES, truth_rows

from sitegen.package.schemas import TABLE_RESOURCES


def _value(x) -> object:
    if x is None or x == "":
        return ""
    try:
        return Decimal(str(x))
    except InvalidOperation:
        return str(x)


def _total_last(rows: list[dict]) -> list[dict]:
    """Layouts print the 合计/总计 row on top or at the bottom; the truth keeps one order."""
    def is_total(r):
        return str(r.get("level", "")) == "0" and r.get("name") in ("合计", "总计")
    return [r for r in rows if not is_total(r)] + [r for r in rows if is_total(r)]


def diff_cells(doc: str, disclosure) -> tuple[int, list[str]]:
    total, diffs = 0, []
    for res in TABLE_RESOURCES:
        truth = _total_last(truth_rows(doc, res.name))
        table = disclosure.tables.get(res.name)
        got = _total_last(table.rows if table else [])
        columns = res.field_names
        for i in range(max(len(truth), len(got))):
            t = truth[i] if i < len(truth) else {}
            g = got[i] if i < len(got) else {}
            for c in columns:
                total += 1
                if _value(t.get(c)) != _value(g.get(c)):
                    diffs.append(f"{res.name} row {i + 1} {c}: expected {t.get(c)!r}, got {g.get(c)!r}")
    return total, diffs


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("doc", DOCS)
def test_every_cell_equals_truth(parsed, doc, style):
    total, diffs = diff_cells(doc, parsed(doc, style))
    assert total > 1000
    assert not diffs, f"{len(diffs)} of {total} cells differ:\n" + "\n".join(diffs[:40])


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("doc", DOCS)
def test_unit_and_empty_table_notes(parsed, doc, style):
    from conftest import truth_unit

    d = parsed(doc, style)
    unit = truth_unit(doc)
    assert d.unit["name"] == unit["name"]
    assert d.unit["year"] == unit["year"]
    assert d.unit["kind"] == unit["kind"]
    for note in unit["notes"]:
        table = d.tables[note["resource"]]
        assert table.rows == []
        assert "为空表" in table.note


@pytest.mark.parametrize("doc", DOCS)
def test_source_pages_point_at_the_table(parsed, doc):
    d = parsed(doc, "C")
    for table in d.tables.values():
        for row in table.rows:
            assert row["source_page"] in table.pages


def test_money_is_exact_as_printed(parsed):
    d = parsed("003", "B")  # thousands separators
    total = next(r for r in d.tables["expenditure_summary"].rows if r["level"] == 0)
    assert total["total"] == Decimal("3788.76")
    assert str(total["total"]) == "3788.76"


@pytest.mark.parametrize("keep", ["none", "h", "v"])
def test_layouts_without_rules(keep):
    """The same documents with their ruling lines removed (none, or only one direction kept):
    layouts we have not seen often draw fewer lines. Columns then come from header gutters and
    rows from text lines anchored by codes and numbers."""
    from conftest import pdf_path

    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document

    wrong = {}
    for doc in DOCS:
        for style in STYLES:
            document = read_document(pdf_path(doc, style))
            for page in document.pages:
                page.rules = [r for r in page.rules if keep != "none" and r.orientation == keep]
            _, diffs = diff_cells(doc, parse_document(document))
            if diffs:
                wrong[f"{doc}{style}"] = diffs
    # known: 003 C without vertical rules puts one right-aligned 4.15 pair a column too far
    # (its 一般公共预算支出 parent header is narrower than the three columns it spans)
    assert set(wrong) <= {"003C"}, wrong
    assert all(len(d) <= 2 for d in wrong.values()), wrong


def test_title_repeated_on_the_continuation_page():
    """Some layouts print the title again on the next page ("…表（续）"): one table, not two."""
    from conftest import pdf_path

    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document
    from sitegen.extract.document import Word

    document = read_document(pdf_path("002", "C"))  # 表2 runs over pages 5 and 6
    page = document.pages[5]
    top = min(w.top for w in page.words)
    page.words.insert(0, Word("部门收入总体情况表（续）", 300, 420, top - 20, top - 8))
    d = parse_document(document)
    assert d.tables["income_summary"].pages == [5, 6]
    total, diffs = diff_cells("002", d)
    assert not diffs


def test_running_headers_and_footers_are_ignored():
    """Many real PDFs print the unit and a page count on every page; those lines must not
    end up in table rows or in sentences that run over a page break."""
    from conftest import pdf_path, truth_rows
    from test_text_parts import _diff

    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document
    from sitegen.extract.document import Word
    from sitegen.extract.pdf import drop_running_lines

    document = read_document(pdf_path("002", "B"))
    for page in document.pages:
        page.words.append(Word("焉耆县社会保险中心2024年部门预算公开", 150, 420, 18, 28))
        page.words.append(Word(f"内部资料 共{len(document.pages)}页 第{page.number}页", 200, 400, page.height - 28,
                               page.height - 18))
    drop_running_lines(document.pages)
    d = parse_document(document)
    total, diffs = diff_cells("002", d)
    assert not diffs
    assert _diff(truth_rows("002", "narrative_changes"), d.records["narrative_changes"]) == []


def test_a_header_line_repeated_at_the_top_of_pages_is_no_running_header():
    """A table's header repeated at the top of every page it continues on prints its first line
    in the page-edge band, like a running header; the same line printed mid-page (under the
    table's title on its first page) shows it is content, so it stays."""
    from sitegen.extract.document import Page, Word
    from sitegen.extract.pdf import drop_running_lines

    def page(n: int, top: float) -> Page:
        words = [Word("支出预算", 300, 340, top, top + 10), Word("科目编码", 80, 120, top + 12, top + 22),
                 Word("内部资料", 250, 290, 20, 30)]
        return Page(number=n, width=595, height=842, words=words, rules=[], lines=[])

    pages = [page(1, 120)] + [page(n, 40) for n in range(2, 6)]
    drop_running_lines(pages)
    assert all("支出预算" in [w.text for w in p.words] for p in pages)
    assert not any("内部资料" in [w.text for w in p.words] for p in pages)


@pytest.mark.parametrize(
    "line,resource,number",
    [
        ("附表1 部门收支总体情况表", "income_expenditure_summary", "附表1"),
        ("附表3-1 一般公共预算支出情况表", "general_budget_expenditure", "附表3-1"),
        ("表十 财政拨款“三公”经费支出情况表", "three_public_expenses", "表十"),
        ("表3：部门支出总体情况表", "expenditure_summary", "表3"),
        ("阿克陶县社会保险中心部门收入总体情况表", "income_summary", ""),
        ("2024年部门一般公共预算基本支出部门预算经济分类预算表", "general_basic_expenditure", ""),
        ("一、部门收支总体情况表", None, ""),  # a table of contents line
        ("政府性基金预算支出情况表为空表。", None, ""),  # a sentence
    ],
)
def test_title_variants(line, resource, number):
    from sitegen.disclosure.template import table_number, title_resource

    assert title_resource(line) == resource
    if resource:
        assert table_number(line) == number
