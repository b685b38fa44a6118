"""Printed tables of known meaning land in their contract resource even when their columns differ.

Cells read by eye from the rendered pages (pdfplumber `to_image`, 100 dpi).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sitegen.disclosure import template


def _row(table, **match):
    return next(r for r in table.rows if all(r.get(k) == v for k, v in match.items()))


def test_chongqing_income_and_general_budget_tables(real_parsed):
    """renwu-04 表二 (page 10) and 表五 (page 15): columns the contract lacks become x_ fields."""
    d = real_parsed("renwu-04")
    income = d.tables["income_summary"]
    assert (income.table_number, income.title) == ("表二", "2026年部门收入总体情况表")
    assert [t for _, t in income.x_fields] == ["事业收入", "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "其他收入"]
    assert "fiscal_subtotal" in income.unprinted and "general_budget" not in income.unprinted
    row = _row(income, code="2010399")
    assert (row["total"], row["general_budget"], row["x_shi_ye_shou_ru"]) == (
        Decimal("1315.37"), Decimal("505.37"), Decimal("810.00"))
    gb = d.tables["general_budget_expenditure"]
    assert gb.table_number == "表五"
    assert [t for _, t in gb.x_fields] == ["2025年预算数", "2026年预算数基本支出人员经费", "2026年预算数基本支出公用经费"]
    row = _row(gb, code="2010301")
    assert (row["total"], row["basic"], row["project"], row["x_2025_nian_yu_suan_shu"]) == (
        Decimal("6342.71"), Decimal("6342.71"), None, Decimal("6077.49"))
    total = _row(gb, level=0, name="合计")
    assert (total["total"], total["basic"], total["project"]) == (
        Decimal("18417.70"), Decimal("9018.47"), Decimal("9399.23"))


def test_beijing_general_budget_table(real_parsed):
    """renwu-18 预算05表 (page 5): 基本支出 小计 is `basic`; 人员经费/公用经费 and 扣除基建 kept as x_."""
    gb = real_parsed("renwu-18").tables["general_budget_expenditure"]
    row = _row(gb, code="2010801")
    assert (row["name"], row["total"], row["basic"], row["project"]) == (
        "行政运行", Decimal("4952.850016"), Decimal("4697.043616"), Decimal("255.806400"))
    assert row["x_yu_suan_shu_ji_ben_zhi_chu_ren_yuan_jing"] == Decimal("4032.021156")


def test_changsha_income_table(real_parsed):
    """renwu-01 page 13: 本级财政拨款 / 金额 is the fiscal subtotal; 功能科目 is the name column."""
    d = real_parsed("renwu-01")
    income = d.tables["income_summary"]
    total = _row(income, level=0, name="合计")
    assert (total["total"], total["fiscal_subtotal"]) == (Decimal("1935.36"), Decimal("1935.36"))
    gb = d.tables["general_budget_expenditure"]
    assert _row(gb, code="201")["name"] == "一般公共服务支出"


@pytest.mark.parametrize("name", [
    "govbudgetchecker-01", "govbudgetchecker-02", "renwu-01", "renwu-04", "renwu-22",
    "renwu-18",  # 预算02表's shaded two-level header (合计 centred in it) is found since #15
    "renwu-20",  # its contents page (p2) is recognised since #14
])
def test_income_and_general_budget_tables_are_never_extra(real_parsed, name):
    d = real_parsed(name)
    for table in d.tables.values():
        if table.resource.startswith("extra_") and table.rows:
            assert template.title_resource(table.title) is None, (table.title, table.resource)


@pytest.mark.parametrize("title,name", [
    ("2019年政府采购预算表", "extra_procurement"),
    ("一般公共预算机关运行经费支出预算表", "extra_operating_costs"),
    ("预算11表财政拨款政府购买服务明细表", "extra_purchased_services"),
    ("财政拨款支出预算表(功能科目)", "extra_fiscal_expenditure"),
    ("部门预算基本支出预算表", "extra_basic_expenditure"),
    ("某某特别情况表", "extra_mou_mou_te_bie_qing_kuang_biao"),
    ("2021年部门综合预算一般公共预算支出明细表(按支出经济分类科目-不含上年结转)", "extra_general_budget_by_economic_class"),
    ("2021年部门综合预算一般公共预算基本支出明细表(按支出功能分类科目-不含上年结转)", "extra_general_basic_by_function"),
    ("2021年部门综合预算财政拨款上年结转资金支出表", "extra_carryover_expenditure"),
])
def test_extra_names_are_short_and_meaningful(title, name):
    assert template.title_resource(title) is None
    assert template.extra_name(title) == name
