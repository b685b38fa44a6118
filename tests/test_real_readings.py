"""Real pages whose misreading made audit or inventory errors (issue 14), one test per shape.

Every expected value was read from the rendered page (pdfplumber `page.to_image(resolution=110)`),
never from the parser's output. Files: content/real/ and tests/fixtures/real2/ (copies of the
corpus' real/ and real2/).
"""

from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest
from conftest import FIXTURES, parse_once, real_pdf

from sitegen.audit import audit_disclosure
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


def _x_field(table: Table, label: str) -> str:
    return next(name for name, printed in table.x_fields if printed == label)


@pytest.mark.parametrize("name,resource,row_label,column", [
    # 深圳 p17: 本年收入财政拨款 prints 一般公共预算拨款 … with no 财政拨款小计 column
    ("renwu-07", "income_summary", "", "general_budget"),
    # 国家信访局 p6: 合计 50,616.94 = 上年结转 2,254.12 + 一般公共预算 16,474.82 + 其他收入 31,888.00
    ("renwu-22", "income_summary", "", "x:其他收入"),
    # 杭州 p16: the header line starts with 单位名称 (was taken for a 单位名称： meta line, losing
    # 总计 and 一般公共预算); 本年收入 小计 is a subtotal, 其他收入 123.61 a part
    ("renwu-08", "income_summary", "合计", "x:本年收入其他收入"),
    # 杭州 p17: 基本支出 printed as 人员支出 + 日常公用支出 (no 小计); 合计 5,876.67 vs 5,876.68 (a printed 0.01)
    ("renwu-08", "expenditure_summary", "社会保障和就业支出", "x:基本支出人员支出"),
])
def test_row_sums_count_the_printed_part_columns(name, resource, row_label, column):
    """Tables whose part columns the contract names differently (no 小计 printed, x_ columns)
    add up as printed: no row_sum error; one cell changed by 1 gives exactly one."""
    d = copy.deepcopy(_doc(name))
    table = d.tables[resource]
    assert not [f for f in audit_disclosure(d)[0] if f.check == "row_sum" and f.resource == resource]
    field = _x_field(table, column[2:]) if column.startswith("x:") else column
    row = next(r for r in table.rows if (r.get("name") or "") == row_label or not row_label)
    row[field] += 1
    broken = [f for f in audit_disclosure(d)[0] if f.check == "row_sum" and f.resource == resource]
    assert [(f.row_name, f.column) for f in broken] == [(row_label, "total")]


def test_a_header_line_starting_with_unit_name_is_header():
    """A header whose first cell is 单位名称 (a column of unit names), not the meta line
    `单位名称：…` above a table: 广州 renwu-06 p7 表2 and 杭州 renwu-08 p16 表2 lost that whole line
    (单位名称, 合计/总计, 一般公共预算 …), leaving `total` empty (a false cross_table error)."""
    t2 = _doc("renwu-06").tables["income_summary"]
    assert t2.reading.header[:3] == ["单位名称 → name", "合计 → total", "财政拨款收入 一般公共预算 → general_budget"]
    assert [(r["name"], r["total"], r["general_budget"]) for r in t2.rows] == [
        ("合计", D("3944.08"), D("3944.08")), ("广州市信访局", D("3944.08"), D("3944.08"))]
    t2 = _doc("renwu-08").tables["income_summary"]
    assert [(r["name"], r["total"], r["general_budget"]) for r in t2.rows][:3] == [
        ("合计", D("5876.67"), D("5753.07")), ("杭州市气象局", D("5876.67"), D("5753.07")),
        ("杭州市气象局", D("5011.05"), D("4916.13"))]


def test_expenditure_summary_printed_by_unit_is_compared_by_its_total_only():
    """西安 renwu-13 p20 表3 prints one row per 预算单位 (201, 201001, 201002; unit codes, not
    subjects): only its 合计 equals 表5's 合计 (258,596,001.79 元); the unit rows have no
    counterpart in 表5. Changing 表3's 合计 by 1,000 元 (past the 0.01 万元 tolerance) gives one
    cross_table error."""
    d = copy.deepcopy(_doc("renwu-13"))
    assert not [f for f in audit_disclosure(d)[0] if f.check == "cross_table"]
    row = next(r for r in d.tables["expenditure_summary"].rows if r["name"] == "合计")
    assert row["total"] == D("258596001.79")
    row["total"] += 1000
    broken = [f for f in audit_disclosure(d)[0] if f.check == "cross_table"]
    assert [(f.resource, f.row_name, f.column) for f in broken] == [("expenditure_summary", "合计", "total")]


def test_two_classification_columns_keep_the_contracts_codes():
    """renwu-18 p6 预算06表 prints 政府支出经济分类科目 (`50101-工资奖金津补贴`) beside 部门支出经济分类科目
    (`30101-基本工资`): the row is 30101 基本工资 (3xx, the contract's economic classification),
    the 政府 code-name kept as printed in its own column; both names were glued before."""
    table = _doc("renwu-18").tables["general_basic_expenditure"]
    first = table.rows[0]
    assert (first["code"], first["name"], first["total"], first["personnel"]) == (
        "30101", "基本工资", D("3138.093600"), D("3138.093600"))
    aside = next(name for name, label in table.x_fields if label == "政府支出经济分类科目")
    assert first[aside] == "50101-工资奖金津补贴" and aside in table.x_text
    assert table.columns[0] == "name" and "name" not in table.columns[1:]


def test_two_classification_code_columns_keep_the_contracts_codes():
    """renwu-13 p30 表8 prints 部门经济科目编码 | 名称 | 政府经济科目编码 | 名称: 30101 基本工资 beside
    50101 工资奖金津补贴. The row is 30101 (level 2, under 301); the two code columns were read as
    类/款 of one code (`3010150101`) before."""
    table = _doc("renwu-13").tables["general_basic_expenditure"]
    row = next(r for r in table.rows if r["name"] == "基本工资")
    assert (row["code"], row["level"], row["total"]) == ("30101", 2, D("5041518.30"))
    aside = {label: name for name, label in table.x_fields}
    assert row[aside["政府经济科目编码"]] == "50101" and row[aside["政府经济科目名称"]] == "工资奖金津补贴"
    # the 政府 codes are text: the audit adds no codes up (it did: 301's children "summed" to 400814)
    d = copy.deepcopy(_doc("renwu-13"))
    assert not [f for f in audit_disclosure(d)[0] if f.resource == "general_basic_expenditure"]
    next(r for r in d.tables["general_basic_expenditure"].rows if r["code"] == "301")["total"] += 1000
    found = [(f.check, f.row_code, f.column) for f in audit_disclosure(d)[0] if f.resource == "general_basic_expenditure"]
    # 301 ≠ its items, ≠ 人员经费 + 公用经费, and 合计 ≠ its classes: three findings, none on a text column
    assert sorted(found) == [("hierarchy", "", "total"), ("hierarchy", "301", "total"), ("row_sum", "301", "total")]


def test_white_cell_backgrounds_are_no_rules():
    """open-budget-01 p14 (a spreadsheet export) paints a white, unstroked rectangle behind every
    cell, also inside merged rows: their edges are no printed line (y 327.3 runs through the
    row `2.政府性基金预算 | 三、国防支出 | 三、单位预留机动经费`, drawn as one row)."""
    from sitegen.extract import read_document

    page = read_document(real_pdf("open-budget-01")).pages[13]
    assert not [r for r in page.rules if r.orientation == "h" and 326 < r.top < 328.5]
    assert [r for r in page.rules if r.orientation == "h" and 318 < r.top < 320]  # the black row rule


@pytest.mark.parametrize("name,total,function", [("open-budget-01", "24169.74", ("四、公共安全支出", "16593.12")),
                                                 ("open-budget-05", "27664.22", ("一、一般公共服务支出", "22395.50"))])
def test_three_group_summary_reads_every_line_once(name, total, function):
    """江苏 公开01表 收支预算总表 (open-budget-01 p14, open-budget-05 p1): 收入 | 支出 功能分类 | 支出
    支出用途; wrapped labels stay whole (`2.政府性基金预算`, `三、单位预留机动经费`), `当年支出小计`
    centred over both expenditure groups is one line with its amount under the last group,
    `结转下年资金` is a line without amount: 8 income + 27 expenditure lines."""
    table = _doc(name).tables["income_expenditure_summary"]
    lines = {(r["side"], r["item"]): r["amount"] for r in table.rows}
    assert [sum(r["side"] == s for r in table.rows) for s in ("income", "expenditure")] == [8, 27]
    assert lines[("income", "2.政府性基金预算")] is None
    assert lines[("expenditure", function[0])] == D(function[1])
    assert lines[("expenditure", "当年支出小计")] == lines[("expenditure", "支出合计")] == D(total)
    assert ("expenditure", "结转下年资金") in lines and lines[("expenditure", "结转下年资金")] is None
    assert "三、单位预留机动经费" in {item for _, item in lines}


def test_two_sided_table_goes_on_without_header():
    """govbudgetchecker-06 财政拨款收入支出决算总表: page 12 holds the title, the header and 一…十三
    of the expenditure side; page 13 goes on with no title and no header, its first line an
    expenditure label alone (`十四、资源勘探工业信息等支出`). The table ended at page 12 before
    (16 of 38 lines); now 9 income + 29 expenditure lines, 总计 2,961.68 on both sides."""
    table = _doc("govbudgetchecker-06").tables["final_fiscal_summary"]
    assert table.pages == [12, 13]
    assert [sum(r["side"] == s for r in table.rows) for s in ("income", "expenditure")] == [9, 29]
    lines = {(r["side"], r["item"]): r["total"] for r in table.rows}
    assert lines[("income", "年初财政拨款结转和结余")] == lines[("expenditure", "年末财政拨款结转和结余")] == D("21.63")
    assert lines[("income", "总计")] == lines[("expenditure", "总计")] == D("2961.68")
    assert lines[("expenditure", "十九、住房保障支出")] == D("445.69")


def test_continuation_page_of_label_only_lines_is_no_header():
    """govbudgetchecker-06 收入支出决算总表 p7 goes on with `使用非财政拨款结余（含专用结余） | 结余分配`
    (labels, no amounts), then 年初/年末结转和结余 49.14 | 55.34 and 总计 2,995.39 on both sides.
    The label line was taken for a header naming four label columns: the amounts were lost and
    the income 总计 read blank."""
    table = _doc("govbudgetchecker-06").tables["final_income_expenditure_summary"]
    assert table.pages == [6, 7]
    p7 = [(r["side"], r["item"], r["amount"]) for r in table.rows if r["source_page"] == 7]
    assert p7 == [("income", "使用非财政拨款结余（含专用结余）", None), ("income", "年初结转和结余", D("49.14")),
                  ("income", "总计", D("2995.39")), ("expenditure", "结余分配", None),
                  ("expenditure", "年末结转和结余", D("55.34")), ("expenditure", "总计", D("2995.39"))]


def test_header_cell_total_centred_on_its_own_line_is_header():
    """renwu-18 p2 预算02表 收入总表: the header cell 合计 spans both header rows, so it prints on a
    line of its own at the left, above 小计 | 一般公共预算资金 …; with amounts printed below it is a
    header cell (before, it started the body and the header's second row became a data row, the
    table an extra one). A 合计 alone with nothing below is an empty table's blank total (p7)."""
    d = _doc("renwu-18")
    table = d.tables["income_summary"]
    assert table.reading.header[0] == "合计 → total"
    assert [(r["total"], r["general_budget"]) for r in table.rows] == [(D("32852.053832"), D("32365.090089"))]
    assert d.tables["fund_budget_expenditure"].reading.empty.startswith("printed empty: only 合计")


@pytest.mark.parametrize("resource,sides,lists", [
    ("income_expenditure_summary", [19, 34], {"部门预算支出经济科目": 24, "政府预算支出经济分类科目": 20}),
    ("fiscal_summary", [8, 33], {"部门预算支出经济科目": 23, "政府预算支出经济科目": 19}),
])
def test_further_subject_lists_are_tables_of_their_own(resource, sides, lists):
    """renwu-13 表1 (p16–18) and 表4 (p21–23) print the expenditure side three times over: by
    支出功能分类科目, 部门预算支出经济科目 and 政府预算支出经济分类科目, each a label column with its own
    预算数. The other lists' amounts were glued onto the function rows as x_ fields (`2、外交支出`
    0.00 carried 20,790,689.48, a 工资福利 amount); each list is now an extra table of its own."""
    d = _doc("renwu-13")
    table = d.tables[resource]
    assert not table.x_fields
    assert [sum(r["side"] == s for r in table.rows) for s in ("income", "expenditure")] == sides
    value = "amount" if resource == "income_expenditure_summary" else "total"
    row = next(r for r in table.rows if r["item"] == "2、外交支出")
    assert row[value] == D("0.00") and row["line"] == 3
    extra = {t.title.split("（")[-1].rstrip("）"): t for t in d.tables.values() if t.title.startswith(table.title + "（")}
    assert {k.split("(")[0]: len(t.rows) for k, t in extra.items()} == lists
    econ = next(t for k, t in extra.items() if k.startswith("部门预算"))
    assert econ.resource == f"extra_{resource}_economic" and econ.fields == [("value_1", "预算数")]
    assert next(r for r in econ.rows if r["item"] == "1、人员经费和公用经费支出")["value_1"] == D("23174401.79")


def test_the_cover_of_the_tables_part_is_no_table():
    """renwu-13 p14: `2021年部门综合预算公开报表` over 部门名称：… / 保密审查情况：已审查 /
    部门主要负责人审签情况：已审签 — a cover page, once published as an empty extra_ table."""
    d = _doc("renwu-13")
    assert not [t for t in d.tables.values() if 14 in t.pages]
    assert [w.page for w in d.warnings if "cover or form page" in w.message] == [14]
