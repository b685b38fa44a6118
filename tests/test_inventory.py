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


# tables that do not pass yet, measured on 2026-11-25, each with the reason seen on the page
XFAIL: dict[tuple[str, str], str] = {
    ('govbudgetchecker-06', '收入支出决算总表'):
        'reading: 40 of 42 printed lines; 年初/年末结转和结余 lines and the 总计 amount not read (final side-by-side layout)',
    ('govbudgetchecker-06', '财政拨款收入支出决算总表'):
        'reading: 16 of 38 printed lines (a final 财政拨款 total table with several amount columns per side)',
    ('govbudgetchecker-06', '一般公共预算财政拨款基本支出决算表'):
        "final side-by-side 人员经费 | 公用经费 lists (issue 15's reader): the total and sample values differ in shape",
    ('govbudgetchecker-06', '财政拨款“三公”经费支出决算表'):
        '三公 table shape (sideways items, 预算数/决算数): issue 15',
    ('renwu-14', '表6 一般公共预算财政拨款基本支出决算表'):
        "final side-by-side 人员经费 | 公用经费 lists (issue 15's reader): 81 of 82 rows, total row shape differs",
    ('renwu-14', '表7 一般公共预算财政拨款“三公”经费支出决算表'):
        '三公 table shape (sideways items, 预算数/决算数): issue 15',
    ('govbudgetchecker-01', '2024年部门收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('govbudgetchecker-01', '部门“三公”经费和机关运行经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('govbudgetchecker-02', '2025年部门收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('govbudgetchecker-02', '2025年部门“三公”经费和机关运行经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('open-budget-01', '公开01表 收支预算总表'):
        'reading: 37 lines read where 35 are printed; 三、单位预留机动经费 not found (two-sided lines split)',
    ('open-budget-01', '公开02表 收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('open-budget-01', '公开03表 支出预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('open-budget-01', '公开09表 “三公”经费、会议费、培训费支出预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('open-budget-05', '收支预算总表'):
        'reading: 34 lines read where 35 are printed; total row values differ',
    ('open-budget-05', '收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('open-budget-05', '支出预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('open-budget-05', '“三公”经费、会议费、培训费支出预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-01', '2026年部门收入总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-01', '2026年财政拨款收支总体情况表'):
        'reading: 28 of 31 printed lines; lines printed without amounts (二、上年结转, 22、其他支出) are lost',
    ('renwu-01', '2026年一般公共预算“三公”经费支出情况表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-04', '表二 2026年部门收入总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-04', '表五 2026年一般公共预算支出情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-04', '表八 2026年财政拨款“三公”经费支出情况表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-06', '表2 收入总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-06', '表3 本年支出总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-06', '表4 财政拨款收支总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-06', '表6 一般公共预算基本支出情况表（按经济分类科目）'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-06', '表7 一般公共预算项目支出情况表（按经济分类科目）'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-06', '表9 政府性基金预算支出情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-06', '表10 国有资本经营预算支出情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-07', '表2 收入总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-07', '表3 支出总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-07', '表6 财政拨款收支总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-07', '表7 一般公共预算支出表（按功能分类）'):
        'the total row is labelled by the unit name in a 预算单位 column the contract has no field for',
    ('renwu-07', '表9 财政拨款“三公”经费支出表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-07', '表10 政府性基金预算支出表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-07', '表11 国有资本经营预算支出表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-08', '表2 2026年市级部门收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-08', '表3 2026年市级部门支出预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-08', '表5 2026年市级部门一般公共预算支出预算表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-08', '表7 2026年市级部门一般公共预算“三公”经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-13', '表1 2021年部门综合预算收支总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表2 2021年部综合预算收入总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表3 2021年部门综合预算支出总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表4 2021年部门综合预算财政拨款收支总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表5 2021年部门综合预算一般公共预算支出明细表（按支出功能分类科目-不含上年结转）'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表8 2021年部门综合预算一般公共预算基本支出明细表（按支出经济分类科目-不含上年结转）'):
        'meaning: 表7 (按支出功能分类科目) is read as general_basic_expenditure, 表8 becomes an extra table (issue 15)',
    ('renwu-13', '表9 2021年部门综合预算政府性基金收支表（不含上年结转）'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表10 2021年部门综合预算专项业务经费支出表(不含上年结转)'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表11 2021年部门综合预算财政拨款上年结转资金支出表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表13 2021年部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表（不含上年结转）'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-18', '预算02表 收入总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-18', '预算03表 支出总表'):
        'rows repeat one function code per economic item (two economic-code columns the contract has no field for); samples matched by code find the first such row',
    ('renwu-18', '预算05表 一般公共预算支出表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-18', '预算06表 一般公共预算基本支出表'):
        'meaning: codes printed `30101-基本工资` under 部门支出经济分类科目, a header not mapped to code/name (issue 15)',
    ('renwu-18', '预算09表 财政拨款“三公”经费支出表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-20', '2026年预算单位财务收支预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-20', '2026年预算单位收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-20', '2026年单位“三公”经费和机关运行经费预算表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
    ('renwu-22', '部门公开表2 部门收入总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-22', '部门公开表5 一般公共预算支出表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-22', '部门公开表9 财政拨款预算“三公”经费支出表'):
        '三公 table shape (sideways items, two years side by side): issue 15',
}


@pytest.mark.parametrize("name,index,title", _cases(), ids=[f"{n}:{t}" for n, _, t in _cases()])
def test_inventory_table(name, index, title):
    checks = table_checks(name, index)
    if (name, title) in XFAIL and not all(v is True for v in checks.values()):
        pytest.xfail(f"{XFAIL[(name, title)]} — {checks}")
    assert all(v is True for v in checks.values()), checks
