"""Real pages from other cities, one regression test per failure shape of issue 14.

Every expected value below was read from the rendered page image (pdfplumber
`page.to_image(resolution=110)`), not from the parser's output. Files are copies of
`corpus/real2/` in tests/fixtures/real2 (provenance in that corpus' SOURCES.md).
"""

from __future__ import annotations

from decimal import Decimal as D

from sitegen.disclosure.model import Table


def _find(d, title: str) -> Table:
    return next(t for t in d.tables.values() if t.title == title)


def _row(table: Table, **match):
    return next(r for r in table.rows if all(r.get(k) == v for k, v in match.items()))


def _amounts(row) -> list:
    """The row's amounts left to right, whatever fields they map to (contract or x_)."""
    return [v for k, v in row.items() if isinstance(v, D)]


def test_contents_page_is_not_read_as_tables(real2):
    """renwu-08 (杭州市气象局) pages 13–14 list 表1…表11 one under the other (contents);
    the real tables follow from page 15 and must not be dropped as duplicates."""
    d = real2("renwu-08")
    assert all(13 not in t.pages and 14 not in t.pages for t in d.tables.values())
    numbers = sorted(int(t.table_number[1:]) for t in d.tables.values())
    assert numbers == list(range(1, 12))
    income = _find(d, "2026年市级部门收入预算总表")  # 表2, page 16
    assert income.pages == [16] and income.rows
    assert not any("second table" in w.message or "printed twice" in w.message for w in d.warnings)


def test_contents_page_with_heading_and_numbered_titles(real2):
    """renwu-13 (西安) page 15 is headed 目 录 and lists `表1 2021年…收支总表` …; renwu-20
    (上海市中医文献馆) page 2 lists `4．2026年…预算总表` …: no table starts on those pages."""
    for name, page in (("renwu-13", 15), ("renwu-20", 2)):
        d = real2(name)
        assert not [t.title for t in d.tables.values() if t.pages and t.pages[0] == page], name


def test_tables_with_the_same_title_stem_are_kept_apart(real2):
    """renwu-07 (深圳) 表7 一般公共预算支出表（按功能分类） pages 26–27 and 表8 （按经济分类）
    pages 28–30: two tables, not one."""
    d = real2("renwu-07")
    by_function = _find(d, "一般公共预算支出表(按功能分类)")
    by_economic = _find(d, "一般公共预算支出表(按经济分类)")
    assert by_function.pages == [26, 27] and by_economic.pages == [28, 29, 30]
    assert _amounts(_row(by_function, code="2210203"))[0] == D("553.33")  # page 27, last row
    assert _amounts(_row(by_economic, code="301"))[0] == D("2522.02")  # page 28
    assert not any(r.get("code", "").startswith("3") for r in by_function.rows)


def test_empty_table_ends_where_it_ends(real2):
    """renwu-01 (长沙) page 21: 政府性基金预算支出情况表 has a `** ** ** ** 1 2 3` index row, one
    blank row and a note; the performance tables on pages 22–32 are not its rows."""
    d = real2("renwu-01")
    fund = _find(d, "2026年政府性基金预算支出情况表")
    assert fund.pages == [21]
    assert fund.rows == []
    assert fund.note.startswith("本表反映部门本年度政府性基金预算收入支出情况")


def test_title_split_over_two_lines_keeps_its_first_page(real2):
    """renwu-13 page 24: the title `2021年部门综合预算一般公共预算支出明细表（按支出功能分类科`
    / `目-不含上年结转）` wraps; its first page (合计 258,596,001.79) belongs to 表5, and 表6
    (按支出经济分类科目) starts on page 26."""
    d = real2("renwu-13")
    t5 = next(t for t in d.tables.values() if t.table_number == "表5")
    t6 = next(t for t in d.tables.values() if t.table_number == "表6")
    assert t5.title.endswith("(按支出功能分类科目-不含上年结转)")
    assert t5.pages == [24, 25] and t6.pages == [26, 27]
    assert t5.rows[0]["name"] == "合计" and _amounts(t5.rows[0])[0] == D("258596001.79")
    assert _amounts(_row(t5, code="2013302")) == [D("30964000.00"), D("0.00"), D("0.00"), D("30964000.00")]
    assert _row(t5, code="2013302")["name"] == "一般行政管理事务"


def test_column_number_rows_and_line_number_columns_are_dropped(real2):
    """renwu-14 (佛山 决算) page 5: header `项目 行次 决算数 | 项目 行次 决算数`, then `栏 次 1 | 栏 次 2`.
    The 栏次 row is no data row and the 行次 column (1, 2, 3 …) is no amount."""
    d = real2("renwu-14")
    total = next(t for t in d.tables.values() if t.table_number == "表1")
    assert not any("栏" in str(r.get("item", "")) for r in total.rows)
    assert _amounts(total.rows[0]) == [D("1668.14")]  # 一、一般公共预算财政拨款收入, not its 行次 1
    spend = [r for r in total.rows if r["side"] == "expenditure"]
    assert (spend[0]["item"], _amounts(spend[0])) == ("一、一般公共服务支出", [D("0.00")])  # not 行次 27
    assert all(not any(v == D(n) for v in _amounts(r)) for r, n in zip(total.rows[:3], ("1", "2", "3"), strict=True))


def test_bracketed_codes_become_code_name_and_level(real2):
    """renwu-06 (广州) page 11, 表5: `[201]一般公共服务支出`, `[20140]信访事务`, `[2014001]行政运行`."""
    d = real2("renwu-06")
    t = _find(d, "一般公共预算支出情况表(按功能分类科目)")
    row = _row(t, code="201")
    assert (row["name"], row["level"], row["total"]) == ("一般公共服务支出", 1, D("2570.71"))
    row = _row(t, code="20140")
    assert (row["class_code"], row["section_code"], row["level"], row["name"]) == ("201", "40", 2, "信访事务")
    row = _row(t, code="2014001")
    assert (row["level"], row["name"], _amounts(row)) == (3, "行政运行", [D("1859.41"), D("1831.41"), D("28.00")])
    assert not any("[" in r["name"] for r in t.rows)


def test_separate_class_section_item_columns_with_lone_section(real2):
    """renwu-01 page 17: codes in 类/款/项 columns, the 款 row printing only `40`; names under
    the header 功能科目."""
    d = real2("renwu-01")
    t = _find(d, "2026年一般公共预算支出情况表")
    assert [(r["code"], r["name"], r["total"]) for r in t.rows] == [
        ("", "合计", D("1935.36")),
        ("201", "一般公共服务支出", D("1935.36")),
        ("20140", "信访事务", D("1935.36")),
        ("2014001", "行政运行", D("1517.95")),
        ("2014004", "信访业务", D("417.41")),
    ]
    assert _row(t, code="2014004")["basic"] is None and _row(t, code="2014004")["project"] == D("417.41")


def test_two_sided_summary_reads_two_sides_with_whole_numbers(real2):
    """renwu-07 page 15–16, 收支总表: 收入 | 支出 side by side under `2026年预算数` headers
    (a year, not an amount); amounts `4,676.96` and `367.54` whole, never split or truncated."""
    d = real2("renwu-07")
    t = d.tables["income_expenditure_summary"]
    income = [r for r in t.rows if r["side"] == "income"]
    spend = [r for r in t.rows if r["side"] == "expenditure"]
    assert (income[0]["item"], income[0]["amount"]) == ("一、财政拨款", D("4676.96"))
    assert _row(t, side="expenditure", item="三、社会保障和就业支出")["amount"] == D("367.54")
    assert _row(t, side="expenditure", item="一、一般公共服务支出")["amount"] == D("3459.13")
    assert _row(t, side="income", item="收入总计")["amount"] == D("4684.30")  # page 16
    assert _row(t, side="expenditure", item="支出总计")["amount"] == D("4684.30")
    assert [r["line"] for r in spend] == list(range(1, len(spend) + 1))
    assert all(not r["code"] for r in t.rows)
    assert len(income) == 16 and len(spend) == 22


def test_next_table_number_label_ends_the_table(real2):
    """renwu-22 (国家信访局) page 13 ends with `部门公开表7`, the label of the table on page 14:
    not a cell of 表6's last row (合计 9,880.88 7,504.62 2,376.26)."""
    d = real2("renwu-22")
    t = d.tables["general_basic_expenditure"]
    last = t.rows[-1]
    assert (last["name"], last["total"], last["personnel"], last["public"]) == (
        "合计", D("9880.88"), D("7504.62"), D("2376.26"))
    assert not any("部门公开表" in w.message for w in d.warnings)


def test_two_sided_with_several_amount_columns_keeps_numbers_whole(real2):
    """renwu-20 (上海市中医文献馆) page 7, 财务收支预算总表: the 支出 side prints 合计 | 人员经费 |
    公用经费 | 项目支出. `170,800` is 公用经费 of 一、社会保障和就业支出 — never code `170` + item `,800`;
    each label keeps its amounts on its own side."""
    d = real2("renwu-20")
    t = _find(d, "2026年预算单位财务收支预算总表")
    spend = [r for r in t.rows if r["side"] == "expenditure"]
    assert [r["item"] for r in spend] == ["一、社会保障和就业支出", "二、卫生健康支出", "三、住房保障支出", "支出总计"]
    assert _amounts(spend[0]) == [D("4568181"), D("4397381"), D("170800")]  # 合计, 人员经费, 公用经费
    assert _amounts(spend[1]) == [D("78461409"), D("15831315"), D("3881274"), D("58748820")]
    assert not any(r["code"] for r in t.rows)
    income = [r for r in t.rows if r["side"] == "income"]
    assert [(r["item"], _amounts(r)[0]) for r in income if _amounts(r)] == [
        ("一、财政拨款收入", D("26935500")), ("1、一般公共预算", D("26935500")),
        ("二、事业收入", D("57074300")), ("收入总计", D("84009800"))]


def test_two_sided_final_accounts_keep_their_labels_apart(real2):
    """renwu-14 (佛山 决算) page 5, 收入支出决算总表: 收入 and 支出 labels on one printed line are
    two rows, not `一、一般公共预算财政拨款收入一、一般公共服务支出`."""
    d = real2("renwu-14")
    t = next(t for t in d.tables.values() if t.table_number == "表1")
    row = _row(t, side="income", item="一、一般公共预算财政拨款收入")
    assert _amounts(row) == [D("1668.14")]
    row = _row(t, side="expenditure", item="八、社会保障和就业支出")
    assert _amounts(row) == [D("76.23")]


def test_unit_codes_are_not_classification_codes(real2):
    """renwu-13 (西安) page 34, 表10 专项业务经费支出表: the 单位编码 column prints unit codes `201`
    and `201001`, not 类/款/项 codes — no row gets a classification code; rows keep their amounts."""
    d = real2("renwu-13")
    t = next(t for t in d.tables.values() if t.table_number == "表10")
    assert not any(r.get("code") for r in t.rows)
    label = lambda r: r.get("name") or r.get("item")  # noqa: E731
    assert [(label(r), _amounts(r)[0]) for r in t.rows[:4]] == [
        ("合计", D("235421600.00")), ("中共西安市委宣传部", D("235421600.00")),
        ("中共西安市委宣传部", D("234621600.00")), ("专用项目", D("234621600.00"))]
    assert any("201001" in [v for v in r.values() if isinstance(v, str)] for r in t.rows)


def test_total_row_reprinted_on_the_next_page_is_kept_once(real2):
    """renwu-14 (佛山 决算) 表2 收入决算表, pages 8–9: the 合计 line (1,668.14) is printed again at
    the top of page 9; the table has it once, with its 13 printed rows."""
    d = real2("renwu-14")
    t = next(t for t in d.tables.values() if t.table_number == "表2")
    totals = [r for r in t.rows if r.get("name") == "合计"]
    assert len(totals) == 1 and _amounts(totals[0])[0] == D("1668.14")
    assert len(t.rows) == 13
