"""The hand-read inventory truth of the real PDFs (tests/fixtures/inventory/*.json).

For every inventory table whose resource the contract has today: the table is found in that
resource, with the printed row count, its total row and its sample rows exact (values as
printed, in order). Tables that do not pass yet are listed in XFAIL with the reason, never
hidden by a weaker assertion; `python bench/inventory.py` prints the same scoreboard.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from conftest import parse_once

from sitegen.extract.document import ExtractError
from sitegen.package.schemas import BY_NAME

ROOT = Path(__file__).resolve().parents[1]
INVENTORY = ROOT / "tests" / "fixtures" / "inventory"
_SKIP = {"code", "class_code", "section_code", "item_code", "level", "line", "source_page"}


def _cases() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(INVENTORY.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        for k, t in enumerate(truth.get("tables", [])):
            if t["resource"] in BY_NAME and t["resource"] != "performance_targets":
                out.append((path.stem, k, f"{t.get('number', '')} {t['title']}".strip()))
    return out


def _num(v) -> Decimal | None:
    try:
        return Decimal(str(v).replace(",", "")) if v not in (None, "") else None
    except InvalidOperation:
        return None


def _values(row: dict, text: frozenset[str] = frozenset()) -> list[Decimal]:
    return [d for k, v in row.items() if k not in _SKIP and k not in text and (d := _num(v)) is not None]


def _same_values(row: dict, printed: list[str], text: frozenset[str] = frozenset()) -> bool:
    """Exactly the printed amounts (blanks skipped), in order."""
    return _values(row, text) == [d for v in printed if (d := _num(v)) is not None]


def _label(row: dict, text: frozenset[str] = frozenset()) -> str:
    """The row's label; a table printed by unit labels its rows in a text column the contract
    lacks (预算单位 / 单位名称 → an `x_` text field): the first such cell that is no number."""
    label = row.get("name") or row.get("item") or row.get("project_name")
    if not label:
        label = next((v for k in sorted(text) if (v := row.get(k)) and _num(v) is None), "")
    return "".join(str(label or "").split())


def _find(rows: list[dict], sample: dict, text: frozenset[str] = frozenset()) -> dict | None:
    """The row with the sample's code (a classification code, or a unit code printed in a text
    column the contract lacks) or label (or no label and no code, as printed); among rows with the same label, the one printing the
    sample's values (杭州 prints the unit 杭州市气象局 under the group of the same name)."""
    code, label = sample.get("code") or "", "".join(str(sample.get("label") or "").split())
    found = []
    for row in rows:
        if sample.get("side") and row.get("side") != sample["side"]:
            continue
        codes = {str(row.get("code") or "")} | ({str(row.get(k) or "") for k in text} if not row.get("code") else set())
        unlabelled = not label and not row.get("code")  # a single row printed with no label (公开03表)
        if (code and code in codes) or (not code and _label(row, text) == label and (label or unlabelled)):
            found.append(row)
    return next((r for r in found if _same_values(r, sample["values"], text)), found[0] if found else None)


def printed_rows(t: dict) -> int:
    """The rows the package should hold. The inventory counts the rows printed; an empty table
    (`empty`) whose printed rows hold no amount (a blank 合计, blank ruled lines) is published
    with its header only (DATA-CONTRACT: 'header row only'), so 0. Printed 0.00 rows are values
    and count (renwu-06/07 print a 合计 of 0.00; renwu-13 表9 every line as 0.00)."""
    total = t.get("total") or {}
    if t.get("empty") and not any(v not in (None, "") for v in total.get("values", [])):
        return 0
    return t["rows"]


def _parsed(truth: dict):
    return parse_once(ROOT / truth["file"])


def table_checks(name: str, index: int) -> dict[str, object]:
    """found / rows / total / samples for one inventory table; a failing check says what it saw."""
    truth = json.loads((INVENTORY / f"{name}.json").read_text(encoding="utf-8"))
    t = truth["tables"][index]
    try:
        table = _parsed(truth).tables.get(t["resource"])
    except ExtractError as exc:
        return {"found": str(exc)}
    if table is None or (not table.rows and not t.get("empty")):
        return {"found": f"no rows in {t['resource']}"}
    out: dict[str, object] = {"found": True}
    rows = printed_rows(t)
    out["rows"] = True if len(table.rows) == rows else f"{len(table.rows)} rows, {rows} expected ({t['rows']} printed)"
    text = frozenset(table.x_text)
    total = t.get("total")
    if total and any(total["values"]):
        label = "".join(total["label"].split())
        rows = [r for r in table.rows if _label(r, text) == label or (not label and str(r.get("level")) in ("0", ""))]
        out["total"] = True if any(_same_values(r, total["values"], text) for r in rows) else f"total row {rows[:1]}"
    bad = []
    for sample in t.get("samples", []):
        row = _find(table.rows, sample, text)
        if row is None or not _same_values(row, sample["values"], text):
            bad.append(f"{sample.get('code') or sample.get('label')}: {row and _values(row, text)} vs {sample['values']}")
    out["samples"] = True if not bad else "; ".join(bad)
    return out


# tables that do not pass yet, measured on 2026-11-25 (e14), each reason checked on the rendered page
XFAIL: dict[tuple[str, str], str] = {
    ('govbudgetchecker-06', '一般公共预算财政拨款基本支出决算表'):
        "contract shape, read right: 人员经费 | 公用经费 printed as two lists side by side (pp.16–17); each amount is published as the row's `total` and its list's column (personnel / public), so a row holds [2082.85, 2082.85] where the inventory lists 2082.85 once, and the closing line 人员经费合计 2,152.26 | 公用经费合计 184.65 becomes two rows where the inventory's total row holds both",
    ('govbudgetchecker-06', '财政拨款“三公”经费支出决算表'):
        '三公 table shape (sideways items, 预算数/决算数): issue 15',
    ('renwu-14', '表6 一般公共预算财政拨款基本支出决算表'):
        "contract shape, read right: 人员经费 | 公用经费 printed as two lists side by side (pp.17–20); each amount is published as the row's `total` and its list's column (personnel / public), so a row holds [301.79, 301.79] where the inventory lists 301.79 once, and the closing line 人员经费合计 649.20 | 公用经费合计 97.19 becomes two rows where the inventory's total row holds both",
    ('renwu-14', '表7 一般公共预算财政拨款“三公”经费支出决算表'):
        '三公 table shape (sideways items, 预算数/决算数): issue 15',
    ('govbudgetchecker-01', '部门“三公”经费和机关运行经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('govbudgetchecker-02', '2025年部门“三公”经费和机关运行经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('open-budget-01', '公开02表 收入预算总表'):
        'meaning: p15 prints the income sources as rows (项目名称 | 项目名称 | 金额: 收入总计, 小计, 公共财政拨款（补助）资金 → 一般公共预算资金 …) where income_summary has them as columns; published as an extra table (header mapping, issue 15)',
    ('open-budget-01', '公开09表 “三公”经费、会议费、培训费支出预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('open-budget-05', '收入预算总表'):
        'meaning: prints the income sources as rows (项目名称 | 金额), like open-budget-01 p15, where income_summary has them as columns; published as an extra table (header mapping, issue 15)',
    ('open-budget-05', '“三公”经费、会议费、培训费支出预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-01', '2026年一般公共预算“三公”经费支出情况表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-04', '表八 2026年财政拨款“三公”经费支出情况表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-07', '表9 财政拨款“三公”经费支出表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-08', '表7 2026年市级部门一般公共预算“三公”经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-13', '表1 2021年部门综合预算收支总表'):
        "reading: three expenditure lists side by side (支出功能分科目 | 部门预算支出经济科目 | 政府预算支出经济分类科目, each with 预算数, pp.16–18); the function list is the expenditure side, the other two lists' amounts ride on its lines as x_ columns and their labels are dropped, so 支出总计 holds 258596001.79 three times",
    ('renwu-13', '表4 2021年部门综合预算财政拨款收支总表'):
        "reading: the same three expenditure lists side by side as 表1 (pp.21–23): the 部门/政府经济 lists' "
        "amounts ride on the function lines as x_ columns, their labels dropped; 支出总计 and every sampled line "
        "hold three amounts (1、一般公共服务支出 48615794.92 with 23174401.79 and 20790689.48 of the other lists)",
    ('renwu-13', '表9 2021年部门综合预算政府性基金收支表（不含上年结转）'):
        'meaning: printed as a two-sided 收支表 (收入 | 支出功能分类 | 部门经济 | 政府经济, pp.32–33, every amount 0.00); published as extra_fund_income_expenditure, not fund_budget_expenditure',
    ('renwu-13', '表11 2021年部门综合预算财政拨款上年结转资金支出表'):
        'meaning: p38 (header only: 预算单位代码/名称, 预算项目名称, 金额, 功能分类科目代码/名称) is published empty as extra_carryover_expenditure_3, not as prior_year_carryover (title mapping, issue 15)',
    ('renwu-13', '表13 2021年部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表（不含上年结转）'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-18', '预算09表 财政拨款“三公”经费支出表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-20', '2026年单位“三公”经费和机关运行经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-22', '部门公开表9 财政拨款预算“三公”经费支出表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
}


@pytest.mark.parametrize("name,index,title", _cases(), ids=[f"{n}:{t}" for n, _, t in _cases()])
def test_inventory_table(name, index, title):
    checks = table_checks(name, index)
    if (name, title) in XFAIL and not all(v is True for v in checks.values()):
        pytest.xfail(f"{XFAIL[(name, title)]} — {checks}")
    assert all(v is True for v in checks.values()), checks
