"""An income table printed as a list of sources (项目名称 | 金额) is read as one income_summary row.

Jiangsu's 收入预算总表 prints each source as a line under a group cell (一般公共预算资金 / 小计,
公共财政拨款(补助)资金, 专项收入; 政府性基金 / 小计; …). Values below were read from the rendered
page (open-budget-05 p2: only 收入总计, 一般公共预算资金 小计 and 公共财政拨款(补助)资金 print amounts).
"""

from __future__ import annotations

from decimal import Decimal

from sitegen.audit import audit_disclosure


def _by_title(table) -> dict[str, object]:
    titles = {name: title for name, title in table.x_fields}
    return {titles.get(k, k): v for k, v in table.rows[0].items()}


def test_jiangsu_income_list_is_one_row_with_sources_as_columns(real_parsed):
    d = real_parsed("open-budget-05")
    table = d.tables["income_summary"]
    assert table.pages == [2] and len(table.rows) == 1
    row = _by_title(table)
    assert row["name"] == "收入总计" and row["level"] == 0
    assert row["total"] == Decimal("27664.22")
    assert row["general_budget"] == Decimal("27664.22")  # 一般公共预算资金 小计
    assert row["一般公共预算资金 公共财政拨款(补助)资金"] == Decimal("27664.22")  # a line, not summed in
    printed_blank = ["fund_budget", "special_account", "一般公共预算资金 专项收入", "财政专户管理资金 专户管理教育收费",
                     "财政专户管理资金 其他非税收入", "其他资金 小计", "其他资金 事业收入", "其他资金 经营收入",
                     "其他资金 其他收入", "上年结转和结余资金 小计", "上年结转和结余资金 其中:动用上年结转和结余资金"]
    assert {k: row[k] for k in printed_blank} == dict.fromkeys(printed_blank)
    # the contract columns this list does not print are marked so, not published as blanks of it
    assert set(table.unprinted) == {"fiscal_subtotal", "general_budget_transfer", "fund_budget_transfer",
                                    "state_capital_budget", "state_capital_transfer", "unit_funds",
                                    "fiscal_carryover", "nonfiscal_carryover"}


def test_the_list_row_raises_no_audit_error(real_parsed):
    findings, _ = audit_disclosure(real_parsed("open-budget-01"))
    assert [f for f in findings if f.resource == "income_summary" and f.severity == "error"] == []
