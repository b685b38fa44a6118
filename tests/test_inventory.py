"""The hand-read inventory truth of the real PDFs (tests/fixtures/inventory/*.json).

For every inventory table whose resource the contract has today: the table is found in that
resource, with the printed row count, its total row and its sample rows exact (values as
printed, in order). Tables that do not pass yet are listed in XFAIL with the reason, never
hidden by a weaker assertion; `python bench/inventory.py` prints the same scoreboard.
"""

from __future__ import annotations

import itertools
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


def _values(row: dict) -> list[Decimal]:
    """The row's amounts in field order; text fields (a printed second classification's code) are no amounts."""
    return [d for k, v in row.items() if k not in _SKIP and not isinstance(v, str) and (d := _num(v)) is not None]


def _same_values(row: dict, printed: list[str]) -> bool:
    """Exactly the printed amounts (blanks skipped), in order."""
    return _values(row) == [d for v in printed if (d := _num(v)) is not None]


def _label(row: dict) -> str:
    """The row's printed label. A row whose only label is a unit's name in a 预算单位 column (Shenzhen's
    unit row, the table's total) carries it in an `x_` text field: the contract has no field for it
    (docs/contract-proposals.md B6), so the test reads it there."""
    unit = next((v for k, v in row.items() if k.startswith("x_") and isinstance(v, str) and v.strip()), "")
    return "".join(str(row.get("name") or row.get("item") or row.get("project_name") or unit).split())


def _find(rows: list[dict], sample: dict, same=None) -> dict | None:
    """The row a sample names (by code, else label). Where the code prints several times (Beijing:
    30101 under 50101 and under 50501; 2010801 once per sub-unit block) the sample's values pick
    the row among them; with none matching, the first is returned for the report."""
    code, label = sample.get("code") or "", "".join(str(sample.get("label") or "").split())
    found = []
    for row in rows:
        if sample.get("side") and row.get("side") != sample["side"]:
            continue
        # a unit's code printed in a 单位编码 column (Xi'an 表2/表3) is an x_ text field (proposal B6)
        unit_code = not row.get("code") and any(k.startswith("x_") and v == code for k, v in row.items())
        if (code and (str(row.get("code") or "") == code or unit_code)) or (not code and label and _label(row) == label):
            found.append(row)
        elif not code and not label and not _label(row) and str(row.get("level")) in ("0", ""):
            found.append(row)  # the inventory's unlabelled single row (Jiangsu's 支出预算总表): the level-0 row
    return next((r for r in found if same and same(r, sample["values"])), found[0] if found else None)


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


# The inventory writes a 三公 table as printed. Where the items are column headers (合计 | 因公出国 |
# 公务接待 | …, the common shape) it records each printed line as one row of values under them, in
# printed column order. The contract publishes those items as rows (`item`, then the value fields;
# other years, lines and measures as `x_` fields, see sitegen/disclosure/sideways.py). So for such a
# table the test translates: the published cells are read back as printed lines and compared cell
# by cell, blanks included. A line's fields are the contract value fields (the main line) or the
# `x_` fields titled with the line's label; the printed order is item by item or field by field
# (both occur: 预算数/决算数 pairs per item, or all 预算数 then all 决算数), with the fields' order
# among themselves free (the main group may be printed before, between or after the others).
_THREE_ITEMS = ("出国", "接待", "公务用车", "三公")


def _sideways(t: dict) -> bool:
    """The inventory recorded the 三公 items as columns: no printed line is labelled by an item."""
    lines = [t["total"]] if t.get("total") else []
    labels = [str(x.get("label") or "") for x in lines + t.get("samples", [])]
    return t["resource"].endswith("three_public_expenses") and not any(w in x for x in labels for w in _THREE_ITEMS)


def _key(text: str) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")").replace("：", ":")


def _line_fields(table, label: str, others: list[str]) -> list[str]:
    """The published fields holding one printed line: titled with its label, else the main line's."""
    own = [name for name, title in table.x_fields if label and label in _key(title)]
    if own:
        return own
    main = [c for c in table.columns if c not in _SKIP and c != "item"]
    return main + [name for name, title in table.x_fields if not any(o in _key(title) for o in others)]


def _read_back(table, fields: list[str]) -> list[list[Decimal | None]]:
    """Every printed order the published cells of `fields` allow (item- or field-major, any field order)."""
    out = []
    for order in itertools.permutations(fields):
        out.append([_num(r.get(f)) for r in table.rows for f in order])
        out.append([_num(r.get(f)) for f in order for r in table.rows])
    return out


def sideways_checks(table, t: dict) -> dict[str, object]:
    """rows / total / samples of a sideways 三公 table, translated as described above."""
    total, samples = t.get("total"), t.get("samples", [])
    width = len((total or samples[0])["values"])
    fields = [c for c in table.columns if c not in _SKIP and c != "item"] + [n for n, _ in table.x_fields]
    cells = len(table.rows) * len(fields)
    main = {"", "合计", _key(total["label"]) if total else ""}
    others = [k for s in samples if (k := _key(f"{s.get('code') or ''}{s.get('label') or ''}")) not in main]

    def line(label: str, values: list[str]) -> str | bool:
        label = "" if label in main else label
        printed = [_num(v) for v in values]
        ok = printed in _read_back(table, _line_fields(table, label, [o for o in others if o != label]))
        return True if ok else f"{label or 'the main line'}: {values} not read back"

    out: dict[str, object] = {"found": True}
    out["rows"] = True if cells == t["rows"] * width else f"{cells} cells published, {t['rows']}×{width} printed"
    if total:
        out["total"] = line(_key(total["label"]), total["values"])
    bad = [r for s in samples if (r := line(_key(f"{s.get('code') or ''}{s.get('label') or ''}"), s["values"])) is not True]
    out["samples"] = True if not bad else "; ".join(bad)
    return out


# An income table printed as a list of sources (项目名称 | 金额, Jiangsu's 收入预算总表): the inventory
# records its printed lines (with the group cell each line sits in); the contract's income_summary has
# the sources as columns, so the list is published as one row (sitegen/disclosure/source_list.py) and
# each printed line is one field of it. The test translates: every printed line is one published cell,
# found through the published reading header ("printed label → field"), with the printed amount.
def _listed(t: dict) -> bool:
    return t["resource"] == "income_summary" and any("group" in s for s in t.get("samples", []))


def list_checks(table, t: dict) -> dict[str, object]:
    """rows / total / samples of a source list published as one row, translated as described above."""
    fields = dict(reversed(h.rsplit(" → ", 1)) for h in table.reading.header) if table.reading else {}
    by_label = {_key(label.replace(" ", "")): field for field, label in fields.items()}
    cells = len([c for c in table.columns if c not in _SKIP and c != "name"]) + len(table.x_fields)
    out: dict[str, object] = {"found": True if len(table.rows) == 1 else f"{len(table.rows)} rows, one expected"}
    out["rows"] = True if cells == t["rows"] else f"{cells} cells published, {t['rows']} lines printed"
    row = table.rows[0]

    def line(label: str, values: list[str]) -> str | bool:
        field = by_label.get(_key(label))
        ok = field is not None and [_num(row.get(field))] == [_num(v) for v in values]
        return True if ok else f"{label}: {field and row.get(field)} vs {values}"

    out["total"] = line(t["total"]["label"], t["total"]["values"])
    bad = [r for s in t["samples"] if (r := line(s.get("group", "") + s["label"], s["values"])) is not True]
    out["samples"] = True if not bad else "; ".join(bad)
    return out


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
    if _sideways(t):
        return sideways_checks(table, t)
    if _listed(t):
        return list_checks(table, t)
    out: dict[str, object] = {"found": True}
    rows = printed_rows(t)
    out["rows"] = True if len(table.rows) == rows else f"{len(table.rows)} rows, {rows} expected ({t['rows']} printed)"
    total = t.get("total")
    same = _same_values
    if t["resource"] == "final_general_basic_expenditure" and total and len(total["values"]) == 2:
        # 公开06 prints two lists side by side (人员经费 | 公用经费, one 金额 each) and 人员经费合计 |
        # 公用经费合计 on one line under them. The contract publishes the lists as rows: the printed
        # amount is the row's `total`, repeated in `personnel` or `public` to name its list, and each
        # list closes with its own level-0 total row. The test reads the printed amount from `total`.
        totals = [r for r in table.rows if str(r.get("level")) == "0"]
        seen = [_num(r.get("total")) for r in totals]
        out["total"] = True if seen == [_num(v) for v in total["values"]] else f"level-0 totals {seen}"
        total = None
        same = lambda row, printed: _same_values({"total": row.get("total")}, printed)  # noqa: E731
    if total and any(total["values"]):
        label = "".join(total["label"].split())
        rows = [r for r in table.rows if _label(r) == label or (not label and str(r.get("level")) in ("0", ""))]
        out["total"] = True if any(_same_values(r, total["values"]) for r in rows) else f"total row {rows[:1]}"
    bad = []
    for sample in t.get("samples", []):
        row = _find(table.rows, sample, same)
        if row is None or not same(row, sample["values"]):
            bad.append(f"{sample.get('code') or sample.get('label')}: {row and _values(row)} vs {sample['values']}")
    out["samples"] = True if not bad else "; ".join(bad)
    return out


# tables that do not pass yet, measured on 2026-11-25, each with the reason seen on the page
XFAIL: dict[tuple[str, str], str] = {
    ('govbudgetchecker-06', '收入支出决算总表'):
        'reading: 40 of 42 printed lines; 年初/年末结转和结余 lines and the 总计 amount not read (final side-by-side layout)',
    ('govbudgetchecker-01', '2024年部门收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('govbudgetchecker-02', '2025年部门收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('open-budget-01', '公开01表 收支预算总表'):
        'reading: 37 lines read where 35 are printed; 三、单位预留机动经费 not found (two-sided lines split)',
    ('open-budget-05', '收支预算总表'):
        'reading: 34 lines read where 35 are printed; total row values differ',
    ('renwu-01', '2026年部门收入总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-01', '2026年财政拨款收支总体情况表'):
        'reading: 28 of 31 printed lines; lines printed without amounts (二、上年结转, 22、其他支出) are lost',
    ('renwu-04', '表二 2026年部门收入总体情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-04', '表五 2026年一般公共预算支出情况表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
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
    ('renwu-07', '表6 财政拨款收支总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-08', '表3 2026年市级部门支出预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-08', '表5 2026年市级部门一般公共预算支出预算表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表1 2021年部门综合预算收支总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表4 2021年部门综合预算财政拨款收支总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-13', '表5 2021年部门综合预算一般公共预算支出明细表（按支出功能分类科目-不含上年结转）'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-20', '2026年预算单位财务收支预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-20', '2026年预算单位收入预算总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-22', '部门公开表2 部门收入总表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
    ('renwu-22', '部门公开表5 一般公共预算支出表'):
        'meaning: not mapped to this resource today (title or header words → contract, issue 15)',
}


@pytest.mark.parametrize("name,index,title", _cases(), ids=[f"{n}:{t}" for n, _, t in _cases()])
def test_inventory_table(name, index, title):
    checks = table_checks(name, index)
    if (name, title) in XFAIL and not all(v is True for v in checks.values()):
        pytest.xfail(f"{XFAIL[(name, title)]} — {checks}")
    assert all(v is True for v in checks.values()), checks


def test_sideways_translation_catches_a_misplaced_cell():
    """The 三公 translation reads cells back in printed order: a value under the wrong item fails."""
    from sitegen.disclosure.model import Table

    t = {"resource": "three_public_expenses", "rows": 1, "total": {"label": "", "values": ["8", "3", "", "5"]},
         "samples": []}
    table = Table("three_public_expenses", "“三公”经费支出表", pages=[20])
    table.columns = ["item", "total"]
    table.rows = [{"item": i, "total": Decimal(v) if v else None} for i, v in
                  (("合计", "8"), ("公务接待费", "3"), ("因公出国(境)费", ""), ("公务用车购置及运行费", "5"))]
    assert all(v is True for v in sideways_checks(table, t).values())
    table.rows[1]["total"], table.rows[2]["total"] = None, Decimal(3)
    assert sideways_checks(table, t)["total"] is not True
    table.rows.append({"item": "会议费", "total": None})
    assert sideways_checks(table, t)["rows"] is not True
