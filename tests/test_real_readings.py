"""Real pages whose misreading made audit or inventory errors (issue 14), one test per shape.

Every expected value was read from the rendered page (pdfplumber `page.to_image(resolution=110)`),
never from the parser's output. Files: content/real/ and tests/fixtures/real2/ (copies of the
corpus' real/ and real2/).
"""

from __future__ import annotations

from decimal import Decimal as D

from conftest import FIXTURES, parse_once, real_pdf

from sitegen.disclosure.model import Table


def _doc(name: str):
    return parse_once(real_pdf(name))


def _find(d, title: str) -> Table:
    return next(t for t in d.tables.values() if t.title == title)


def test_empty_tables_are_published_with_their_header_only():
    """An empty table is published header only (DATA-CONTRACT), whatever it prints under its
    header, and its reading says how it was printed empty:
    govbudgetchecker-01 p27 a ruled grid with a blank 合计 row (note …故本表为空表);
    renwu-18 p7 a blank `合 计` printed as two words (it was read as a header cell, gluing 合计
    onto 科目名称 and the 基本支出 column); renwu-22 p14 eight blank ruled rows, a blank `合 计`
    and a note in brackets `（注：…）` (read as header before); open-budget-01 p20 a blank 合 计
    row and `此表为空` in the next row."""
    cases = [
        ("govbudgetchecker-01", "fund_budget_expenditure", [27], "only 合计, no amount", "本部门2024年无政府性基金"),
        ("renwu-18", "fund_budget_expenditure", [7], "only 合计, no amount", ""),
        ("renwu-18", "state_capital_expenditure", [8], "only 合计, no amount", ""),
        ("renwu-22", "fund_budget_expenditure", [14], "only 合计, no amount", "2026年国家信访局部门预算中没有使用政府性基金"),
        ("open-budget-01", "fund_budget_expenditure", [20], "only 合计 and 此表为空, no amount", ""),
    ]
    for name, resource, pages, how, note in cases:
        table = _doc(name).tables[resource]
        assert (table.pages, table.rows) == (pages, []), name
        assert table.reading.empty.startswith(f"printed empty: {how}"), (name, table.reading.empty)
        assert table.note.startswith(note) and not table.note.endswith("）"), (name, table.note)
        assert "total" in table.columns, (name, table.reading.header)
        assert not any("合计" in h.split("→")[0] for h in table.reading.header if h.endswith(("code", "name"))), name
    header = _doc("renwu-18").tables["fund_budget_expenditure"].reading.header
    assert header[:2] == ["功能分类科目 科目编码 → code", "功能分类科目 科目名称 → name"]


def test_an_empty_table_printing_zeros_keeps_its_row():
    """renwu-06 (广州) p16: 政府性基金预算支出情况表 prints one 合计 row of 0.00 (注：本表本年无
    发生额): printed zeros are values, so the row is published and the table is not `empty`."""
    table = _doc("renwu-06").tables["fund_budget_expenditure"]
    assert [(r["name"], r["total"], r["project"]) for r in table.rows] == [("合计", D("0.00"), D("0.00"))]
    assert table.reading.empty == ""


def test_an_empty_table_from_a_text_export():
    """corpus 002 source.txt: 表8 prints a blank `合 计` and 备注…此表为空表: header only, said empty."""
    table = parse_once(FIXTURES / "002" / "source.txt").tables["fund_budget_expenditure"]
    assert table.rows == [] and table.reading.empty.startswith("printed empty")
    assert table.note.endswith("为空表。")
