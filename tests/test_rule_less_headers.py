"""Header structure without vertical rules (issue 14, `disclosure/parents.py`), on real pages.

Corpus 002 style B (新疆 社会保险中心 2024) prints its headers with horizontal rules only; its
parents were checked on the rendered pages (110 dpi):
- p7 财政拨款收支预算总体情况表: 财政拨款收入 centred over 项目 | 合计, 财政拨款支出 over
  功能分类 | 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算;
- p13 财政拨款“三公”经费支出情况表: 资金来源 over the three sources, 合计 beside it.
"""

from __future__ import annotations

from conftest import truth_rows

from sitegen.disclosure.grid import build_columns
from sitegen.disclosure.template import match_columns
from sitegen.extract.document import Word


def test_side_parents_span_their_own_side(parsed):
    table = parsed("002", "B").tables["fiscal_summary"]
    assert table.reading.header == [
        "财政拨款收入 项目 → item", "财政拨款收入 合计 → total", "财政拨款支出 功能分类 → item",
        "财政拨款支出 合计 → total", "财政拨款支出 一般公共预算 → general_budget",
        "财政拨款支出 政府性基金预算 → fund_budget", "财政拨款支出 国有资本经营预算 → state_capital_budget"]


def test_a_parent_spans_the_sources_not_the_total_beside_them(parsed):
    table = parsed("002", "B").tables["three_public_expenses"]
    assert table.reading.header == [
        "“三公”经费支出内容 → item", "合计 → total", "资金来源 一般公共预算 → general_budget",
        "资金来源 政府性基金 → fund_budget", "资金来源 国有资本经营预算 → state_capital_budget"]
    assert [r["item"] for r in table.rows] == [r["item"] for r in truth_rows("002", "three_public_expenses")]


def _w(text: str, x0: float, x1: float, top: float, height: float = 11.0) -> Word:
    return Word(text, x0, x1, top, top + height)


def test_a_parent_label_wrapped_over_two_lines_spans_both_leaves():
    """seed 247's 一般公共预算基本支出 wrapped as `一般公共预算基本支` / `出`: the second line, centred
    in the gap between 人员支出 and 公用经费, is the parent's, not a leaf joining the two columns."""
    header = [_w("一般公共预算基本支", 520, 619, 92.5), _w("出", 564, 575, 106.2),
              _w("科目编码", 223, 267, 111.2), _w("经济分类科目名称", 326, 414, 111.2), _w("总计", 478, 500, 111.2),
              _w("人员支出", 520, 564, 130.0), _w("公用经费", 576, 620, 130.0)]
    body = [_w("301", 223, 240, 160), _w("工资福利支出", 330, 400, 160), _w("1,861.99", 470, 500, 160),
            _w("1,861.99", 525, 555, 160), _w("30201", 223, 250, 180), _w("办公费", 330, 360, 180),
            _w("9.00", 470, 500, 180), _w("9.00", 590, 615, 180)]

    def match(labels):
        return match_columns("general_basic_expenditure", labels)

    columns = build_columns(header, [], [], body, "gutter", match)
    assert [(c.own, c.parents) for c in columns][-2:] == [("人员支出", ["一般公共预算基本支出"]),
                                                        ("公用经费", ["一般公共预算基本支出"])]
