"""Header cells in real shapes, checked on the real pages (values read from the rendered pages).

- renwu-18 预算02表 收入总表 (p2): 合计 is a header cell centred in a shaded two-level header
  (本年收入 | 上年结转结余), not a blank total row; 上年结转结余 / 单位资金 is a carry-over, not
  this year's 单位资金.
- renwu-13 表13 (p41): 单位名称 sits on the line of a wrapped parent cell (公务用车购置及 / 运行费):
  that line is header, and the wrapped cell is one label.
"""

from __future__ import annotations

from decimal import Decimal


def test_a_centred_total_cell_is_header_not_a_blank_row(real_parsed):
    table = real_parsed("renwu-18").tables["income_summary"]
    assert table.pages == [2] and len(table.rows) == 1
    titles = dict(table.x_fields)
    row = {titles.get(k, k): v for k, v in table.rows[0].items()}
    assert row["total"] == Decimal("32852.053832")
    assert row["general_budget"] == Decimal("32365.090089")
    assert row["本年收入小计"] == Decimal("32380.090089")
    assert row["本年收入其他收入"] == Decimal("15.000000")
    assert row["上年结转结余小计"] == Decimal("471.963743")
    assert row["上年结转结余单位资金"] == Decimal("35.117193")
    assert row.get("unit_funds") is None and "unit_funds" in table.unprinted


def test_a_wrapped_parent_cell_is_one_item_label(real_parsed):
    table = real_parsed("renwu-13").tables["three_public_expenses"]
    items = [r["item"] for r in table.rows]
    assert items == ["合计", '一般公共预算拨款安排的"三公"经费预算（小计）', "因公出国(境)费用", "公务接待费",
                     "公务用车购置及运行费（小计）", "公务用车购置费", "公务用车运行费", "会议费", "培训费"]
    cars = table.rows[4]
    assert cars["x_2020_nian"] == Decimal("80000.00") and cars["total"] == Decimal("0.00")


def test_several_classifications_side_by_side(real_parsed):
    """renwu-18 预算06表 (p.6) prints 政府支出经济分类科目 | 部门支出经济分类科目, 预算03表 (p.3) also
    支出功能分类科目 before them, each cell `code-name`: the resource's own classification is the row's
    code and name, the others are kept as x_ text fields (read from the rendered pages)."""
    d = real_parsed("renwu-18")
    basic = d.tables["general_basic_expenditure"]
    titles = dict(basic.x_fields)
    first = basic.rows[0]
    assert (first["code"], first["name"], first["total"]) == ("30101", "基本工资", Decimal("3138.093600"))
    assert {titles[k]: v for k, v in first.items() if k in titles} == {"政府支出经济分类科目": "50101-工资奖金津补贴"}
    spending = d.tables["expenditure_summary"]
    titles = dict(spending.x_fields)
    first = {titles.get(k, k): v for k, v in spending.rows[0].items()}
    assert (first["code"], first["name"], first["total"]) == ("2010801", "行政运行", Decimal("3138.093600"))
    assert (first["政府支出经济分类科目"], first["部门支出经济分类科目"]) == ("50101-工资奖金津补贴", "30101-基本工资")


def test_a_second_classification_in_code_and_name_columns(real_parsed):
    """renwu-13 表8 (p.30): 部门经济科目编码/名称 | 政府经济科目编码/名称: the 部门 classification is
    the row's code and name, the 政府 one two x_ text fields (read from the rendered page)."""
    table = real_parsed("renwu-13").tables["general_basic_expenditure"]
    titles = dict(table.x_fields)
    row = next({titles.get(k, k): v for k, v in r.items()} for r in table.rows if r["code"] == "30108")
    assert (row["name"], row["total"], row["personnel"], row["public"]) == (
        "机关事业单位基本养老保险缴费", Decimal("1449977.63"), Decimal("1449977.63"), Decimal("0.00"))
    assert (row["政府经济科目编码"], row["政府经济科目名称"]) == ("50102", "社会保障缴费")
