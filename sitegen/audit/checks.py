"""The accounting identities of the template, as small named checks.

Each check reads tables as {resource: [row dicts]} (values as printed, str or Decimal)
and yields Findings. Nothing here changes a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from ..disclosure.template import ROW_SUMS

TOLERANCE_WAN = Decimal("0.01")

Tables = dict[str, list[dict]]


@dataclass
class Finding:
    resource: str
    table: str
    row_code: str
    row_name: str
    column: str
    check: str
    expected: str
    found: str
    severity: str  # "error" or "warning"
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Context:
    tables: Tables
    titles: dict[str, str]  # resource → "表3 部门支出总体情况表"
    units: dict[str, str]  # resource → "万元" | "元"
    counter: list[int]  # checks run
    unit: dict | None = None  # the package's unit object (facts, project descriptions)
    notes: dict[str, str] | None = None  # resource → the 备注 printed under the table

    def tol(self, resource: str) -> Decimal:
        return TOLERANCE_WAN * 10000 if self.units.get(resource) == "元" else TOLERANCE_WAN

    def rows(self, resource: str) -> list[dict]:
        return self.tables.get(resource, [])


def num(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def _fmt(d: Decimal | None) -> str:
    return "" if d is None else format(d, "f")


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _compare(ctx: Context, resource: str, row: dict, column: str, check: str, expected: Decimal,
             found: Decimal | None, what: str) -> Iterator[Finding]:
    ctx.counter[0] += 1
    got = found if found is not None else Decimal(0)
    if abs(got - expected) > ctx.tol(resource):
        diff = got - expected
        yield Finding(
            resource, ctx.titles.get(resource, resource), str(row.get("code", "") or ""),
            str(row.get("name") or row.get("item") or ""), column, check, _fmt(expected), _fmt(found),
            "error", f"{what}: expected {_fmt(expected)}, printed {_fmt(found) or '空'} (difference {_fmt(diff)})",
        )


# ------------------------------------------------------------------ row sums

def check_row_sums(ctx: Context) -> Iterator[Finding]:
    """On every row, a total column equals the sum of its part columns."""
    for resource, rules in ROW_SUMS.items():
        rows = ctx.rows(resource)
        # a table that does not print the part columns at all (e.g. one 金额 column) has no row identity
        rules = [(t, parts) for t, parts in rules if any(num(r.get(p)) is not None for r in rows for p in parts)]
        for row in rows:
            for total, parts in rules:
                values = [num(row.get(p)) for p in parts]
                found = num(row.get(total))
                if found is None and all(v is None for v in values):
                    continue
                if all(v is None for v in values) and resource == "income_summary" and total == "total":
                    continue
                yield from _compare(ctx, resource, row, total, "row_sum", _sum(values), found,
                                    f"{total} ≠ {' + '.join(parts)}")


# ------------------------------------------------------------------ hierarchy

HIERARCHY = ("income_summary", "expenditure_summary", "general_budget_expenditure",
             "general_basic_expenditure", "general_project_expenditure", "fund_budget_expenditure",
             "state_capital_expenditure")


def _value_columns(rows: list[dict]) -> list[str]:
    fixed = {"code", "class_code", "section_code", "item_code", "level", "name", "project_name", "source_page"}
    return [k for k in (rows[0].keys() if rows else []) if k not in fixed and not k.startswith("text_")]


def check_hierarchy(ctx: Context) -> Iterator[Finding]:
    """Each 类 = Σ its 款, each 款 = Σ its 项, each total row = Σ the 类 rows."""
    extras = [name for name, rows in ctx.tables.items() if name.startswith("extra_") and rows and "level" in rows[0]]
    for resource in (*HIERARCHY, *extras):
        rows = ctx.rows(resource)
        columns = _value_columns(rows)
        levels = [int(r.get("level") or 0) for r in rows]
        for i, row in enumerate(rows):
            level = levels[i]
            code = str(row.get("code") or "")
            if level == 0:
                children = [r for r, lv in zip(rows, levels, strict=True) if lv == 1]
                what = "total row ≠ Σ 类 rows"
            elif level in (1, 2):
                children = [
                    r for r, lv in zip(rows, levels, strict=True)
                    if lv == level + 1 and str(r.get("code") or "").startswith(code)
                ]
                what = "类 ≠ Σ 款" if level == 1 else "款 ≠ Σ 项"
            else:
                continue
            if not children:
                continue
            for column in columns:
                found = num(row.get(column))
                values = [num(c.get(column)) for c in children]
                if found is None and all(v is None for v in values):
                    continue
                yield from _compare(ctx, resource, row, column, "hierarchy", _sum(values), found, what)


# ------------------------------------------------------------------ between tables


def _total_row(rows: list[dict]) -> dict | None:
    zero = [r for r in rows if str(r.get("level")) == "0"]
    named = [r for r in zero if str(r.get("name")) in ("合计", "总计")]
    return (named or zero or [None])[0]


def _side_total(rows: list[dict], side: str) -> dict | None:
    for r in rows:
        if r.get("side") == side and "总计" in str(r.get("item")):
            return r
    return None


_TOP_INCOME = re.compile(r"^[一二三四五六七八九十]+、")


def check_summary(ctx: Context) -> Iterator[Finding]:
    """表1: income total = expenditure total; each side's total = sum of its lines."""
    for resource, column in (("income_expenditure_summary", "amount"), ("fiscal_summary", "total")):
        rows = ctx.rows(resource)
        inc, exp = _side_total(rows, "income"), _side_total(rows, "expenditure")
        if inc and exp:
            yield from _compare(ctx, resource, exp, column, "balance", num(inc.get(column)) or Decimal(0),
                                num(exp.get(column)), "支出总计 ≠ 收入总计")
        if exp:
            lines = [r for r in rows if r.get("side") == "expenditure" and r.get("code")]
            if lines:
                yield from _compare(ctx, resource, exp, column, "side_sum",
                                    _sum(num(r.get(column)) for r in lines), num(exp.get(column)),
                                    "支出总计 ≠ Σ 功能分类 lines")
        if inc and resource == "income_expenditure_summary":
            top = [r for r in rows if r.get("side") == "income" and _TOP_INCOME.match(str(r.get("item")))]
            if top:
                yield from _compare(ctx, resource, inc, column, "side_sum",
                                    _sum(num(r.get(column)) for r in top), num(inc.get(column)),
                                    "收入总计 ≠ Σ 一、二、… lines")


def _cross(ctx: Context, res_a: str, col_a: str, res_b: str, col_b: str, what: str,
           row_a: dict | None = None) -> Iterator[Finding]:
    """Total of res_a.col_a (printed) must equal total of res_b.col_b."""
    a = row_a if row_a is not None else _total_row(ctx.rows(res_a))
    b = _total_row(ctx.rows(res_b))
    if a is None or b is None:
        return
    if ctx.units.get(res_a) != ctx.units.get(res_b) or num(b.get(col_b)) is None:
        return  # the other table does not print that column
    yield from _compare(ctx, res_a, a, col_a, "cross_table", num(b.get(col_b)), num(a.get(col_a)), what)


def check_cross_tables(ctx: Context) -> Iterator[Finding]:
    """表2 total = 表1 total; 表6 = 表5 basic; 表7 = 表5 project; 表3 = 表5 when all money is 一般公共预算."""
    summary = _side_total(ctx.rows("income_expenditure_summary"), "income")
    t2 = _total_row(ctx.rows("income_summary"))
    if summary and t2 and ctx.units.get("income_summary") == ctx.units.get("income_expenditure_summary"):
        yield from _compare(ctx, "income_summary", t2, "total", "cross_table", num(summary.get("amount")) or Decimal(0),
                            num(t2.get("total")), "表2 总计 ≠ 表1 收入总计")
    yield from _cross(ctx, "general_basic_expenditure", "total", "general_budget_expenditure", "basic",
                      "表6 合计 ≠ 表5 基本支出")
    yield from _cross(ctx, "general_project_expenditure", "total", "general_budget_expenditure", "project",
                      "表7 合计 ≠ 表5 项目支出")
    if t2 is not None:
        general = _sum([num(t2.get("general_budget")), num(t2.get("general_budget_transfer"))])
        if num(t2.get("total")) is not None and abs(general - num(t2.get("total"))) <= ctx.tol("income_summary"):
            t5 = {str(r.get("code")): r for r in ctx.rows("general_budget_expenditure")}
            for row in ctx.rows("expenditure_summary"):
                other = t5.get(str(row.get("code")))
                if other is None:
                    continue
                for column in ("total", "basic", "project"):
                    a, b = num(row.get(column)), num(other.get(column))
                    if a is None and b is None:
                        continue
                    yield from _compare(ctx, "expenditure_summary", row, column, "cross_table", b or Decimal(0), a,
                                        "表3 ≠ 表5 (all money is 一般公共预算)")


def _find(rows: list[dict], *words: str, exclude: tuple[str, ...] = ()) -> dict | None:
    for r in rows:
        item = str(r.get("item") or "")
        if all(w in item for w in words) and not any(x in item for x in exclude):
            return r
    return None


def check_three_public(ctx: Context) -> Iterator[Finding]:
    """表10: 合计 = 因公出国 + 公务接待 + 公务用车(小计); 小计 = 购置 + 运行."""
    rows = ctx.rows("three_public_expenses")
    total = _find(rows, "三公") or _find(rows, "合计")
    abroad = _find(rows, "出国")
    reception = _find(rows, "接待")
    cars = _find(rows, "购置及运行") or _find(rows, "小计")
    purchase = _find(rows, "购置费", exclude=("运行",))
    running = _find(rows, "运行", exclude=("购置", "机关"))
    for column in ("total", "general_budget", "fund_budget", "state_capital_budget"):
        if total and abroad and reception and cars:
            parts = [num(r.get(column)) for r in (abroad, reception, cars)]
            found = num(total.get(column))
            if found is not None or any(p is not None for p in parts):
                yield from _compare(ctx, "three_public_expenses", total, column, "three_public", _sum(parts), found,
                                    "合计 ≠ 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费")
        if cars and purchase and running:
            parts = [num(r.get(column)) for r in (purchase, running)]
            found = num(cars.get(column))
            if found is not None or any(p is not None for p in parts):
                yield from _compare(ctx, "three_public_expenses", cars, column, "three_public", _sum(parts), found,
                                    "公务用车购置及运行费 ≠ 购置费 + 运行费")


def check_names(ctx: Context) -> Iterator[Finding]:
    """The same function code printed with different names in different tables."""
    names: dict[str, dict[str, list[str]]] = {}
    for resource in ("income_summary", "expenditure_summary", "general_budget_expenditure",
                     "general_project_expenditure", "fund_budget_expenditure", "state_capital_expenditure"):
        for row in ctx.rows(resource):
            code = str(row.get("code") or "")
            if not code:
                continue
            names.setdefault(code, {}).setdefault(str(row.get("name") or ""), [])
            table = ctx.titles.get(resource, resource)
            if table not in names[code][str(row.get("name") or "")]:
                names[code][str(row.get("name") or "")].append(table)
    for code, variants in names.items():
        ctx.counter[0] += 1
        if len(variants) > 1:
            listing = "；".join(f"{name}（{'、'.join(t.split(' ')[0] for t in tables)}）" for name, tables in variants.items())
            first = next(iter(variants))
            yield Finding("", "", code, first, "name", "same_code_names", "", "", "warning",
                          f"科目 {code} 在各表中名称不一致：{listing}")


def _narrative(ctx: Context, section: str) -> dict | None:
    return next((r for r in ctx.rows("narrative_changes") if r.get("section") == section), None)


NARRATIVE_TOTALS = (
    ("收支总预算", "income_expenditure_summary", None, "收支总预算 ≠ 表1 收入总计"),
    ("支出预算/基本支出", "expenditure_summary", "basic", "说明 基本支出 ≠ 表3 基本支出合计"),
    ("支出预算/项目支出", "expenditure_summary", "project", "说明 项目支出 ≠ 表3 项目支出合计"),
    ("一般公共预算当年拨款/基本支出", "general_budget_expenditure", "basic", "说明 基本支出 ≠ 表5 基本支出合计"),
    ("一般公共预算当年拨款/项目支出", "general_budget_expenditure", "project", "说明 项目支出 ≠ 表5 项目支出合计"),
    ("一般公共预算基本支出", "general_basic_expenditure", "total", "说明 基本支出 ≠ 表6 合计"),
    ("一般公共预算基本支出/人员经费", "general_basic_expenditure", "personnel", "说明 人员经费 ≠ 表6 人员经费"),
    ("一般公共预算基本支出/公用经费", "general_basic_expenditure", "public", "说明 公用经费 ≠ 表6 公用经费"),
)


def check_narrative(ctx: Context) -> Iterator[Finding]:
    """第三部分's figures equal the tables: totals, 三公, and every 类/款/项 line's amount."""
    for section, resource, column, what in NARRATIVE_TOTALS:
        row = _narrative(ctx, section)
        if row is None or ctx.units.get(resource, "万元") != "万元":
            continue
        if column is None:
            table_row = _side_total(ctx.rows(resource), "income")
            value = num(table_row.get("amount")) if table_row else None
        else:
            table_row = _total_row(ctx.rows(resource))
            value = num(table_row.get(column)) if table_row else None
        if table_row is None or value is None:
            continue
        yield from _compare(ctx, "narrative_changes", row, "amount", "narrative_total", value,
                            num(row.get("amount")), what)
    three = _narrative(ctx, "三公经费")
    total = _find(ctx.rows("three_public_expenses"), "合计")
    if three and total:
        yield from _compare(ctx, "narrative_changes", three, "amount", "narrative_total",
                            num(total.get("total")) or Decimal(0), num(three.get("amount")), "说明 三公经费 ≠ 表10 合计")
    t5 = {}
    for r in ctx.rows("general_budget_expenditure"):
        t5.setdefault(str(r.get("code") or ""), r)
    for row in ctx.rows("narrative_changes"):
        code = str(row.get("code") or "")
        if not code or code not in t5 or ctx.units.get("general_budget_expenditure", "万元") != "万元":
            continue
        printed = num(row.get("amount"))
        yield from _compare(ctx, "narrative_changes", row, "amount", "narrative_item",
                            num(t5[code].get("total")) or Decimal(0), printed, f"说明 {code} 预算数 ≠ 表5")
        printed_name = str(row.get("section") or "").split("/")[-1]
        table_name = str(t5[code].get("name") or "")
        ctx.counter[0] += 1
        if printed_name and table_name and printed_name != table_name:
            yield Finding("narrative_changes", "第三部分 情况说明", code, printed_name, "name", "narrative_name",
                          table_name, printed_name, "warning",
                          f"说明中科目 {code} 名为「{printed_name}」，表5 为「{table_name}」")
        unit = row.get("_printed_unit")
        if unit and unit != "万元" and printed is not None and printed == num(t5[code].get("total")):
            yield Finding("narrative_changes", "第三部分 情况说明", code, str(row.get("section")), "amount",
                          "narrative_unit", f"{_fmt(printed)}万元", f"{_fmt(printed)}{unit}", "warning",
                          f"说明中金额印为 {_fmt(printed)}{unit}，表5 为 {_fmt(printed)} 万元：单位误印")


def check_project_names(ctx: Context) -> Iterator[Finding]:
    """Each 项目支出绩效目标表 names a project of 表7."""
    projects = {str(r.get("project_name")) for r in ctx.rows("general_project_expenditure") if r.get("project_name")}
    if not projects:
        return
    seen = []
    for row in ctx.rows("performance_targets"):
        name = str(row.get("project_name") or "")
        if row.get("scope") != "project" or not name or name in seen:
            continue
        seen.append(name)
        ctx.counter[0] += 1
        if name not in projects:
            close = max(projects, key=lambda p: SequenceMatcher(None, p, name).ratio())
            if SequenceMatcher(None, close, name).ratio() < 0.8:
                continue  # a project without money this year, not a misspelling
            yield Finding("performance_targets", "项目支出绩效目标表", "", name, "project_name", "project_name",
                          close, name, "warning", f"绩效目标表项目名称「{name}」与表7「{close}」不一致")


_THREE_ITEMS = (("因公出国", "出国"), ("公务接待", "接待"), ("公务用车购置", "购置"), ("公务用车运行", "运行"))


def check_narrative_reasons(ctx: Context) -> Iterator[Finding]:
    """A 三公 item budgeted above zero whose stated reason says there is none of it."""
    for row in ctx.rows("narrative_changes"):
        section = str(row.get("section") or "")
        amount = num(row.get("amount"))
        if not section.startswith("三公经费/") or amount is None:
            continue
        reason = str(row.get("reason") or "")
        ctx.counter[0] += 1
        for label, key in _THREE_ITEMS:
            if label in section and amount > 0 and re.search(rf"(均无|无|未安排)[^，。；]{{0,8}}{key}", reason):
                yield Finding("narrative_changes", "第三部分 十 “三公”经费", "", section, "reason",
                              "narrative_reason", f"{_fmt(amount)}万元", reason, "warning",
                              f"{section} 预算 {_fmt(amount)} 万元，说明的原因却称「{reason}」")


_PER_PERSON = re.compile(r"(?:标准|人均)[^，。；]{0,12}?(\d+(?:\.\d+)?)\s*人/月")
_TINY_YUAN = re.compile(r"人均\s*(0\.\d+)\s*元")


def check_description_units(ctx: Context) -> Iterator[Finding]:
    """Money in the project descriptions printed with a wrong unit (人/月 for 元/人/月, 0.05元 for 万元)."""
    for project in (ctx.unit or {}).get("projects", []):
        text = "；".join(str(v) for k, v in project.items() if k != "name")
        ctx.counter[0] += 1
        for value in dict.fromkeys(m.group(1) for m in _PER_PERSON.finditer(text)):
            yield Finding("", "第三部分 七 项目说明", "", str(project.get("name", "")), "unit", "narrative_unit",
                          f"{value}元/人/月", f"{value}人/月", "warning",
                          f"项目「{project.get('name', '')}」的标准印为 {value}人/月，应为 元/人/月")
        for m in _TINY_YUAN.finditer(text):
            yield Finding("", "第三部分 七 项目说明", "", str(project.get("name", "")), "unit", "narrative_unit",
                          f"{m.group(1)}万元", f"{m.group(1)}元", "warning",
                          f"项目「{project.get('name', '')}」印为人均 {m.group(1)}元，按金额应为万元")


def check_empty_notes(ctx: Context) -> Iterator[Finding]:
    """A table whose note says it is empty (为空表) while it prints amounts."""
    for resource, note in (ctx.notes or {}).items():
        if "空表" not in note:
            continue
        ctx.counter[0] += 1
        printed = [r for r in ctx.rows(resource)
                   if any(num(v) not in (None, Decimal(0)) for k, v in r.items()
                          if k not in ("code", "class_code", "section_code", "item_code", "level", "line", "source_page"))]
        if printed:
            yield Finding(resource, ctx.titles.get(resource, resource), "", "", "note", "empty_note", "空表",
                          f"{len(printed)} 行有金额", "warning", f"表下注明「{note}」，但表中印有金额")


CHECKS: tuple[Callable[[Context], Iterator[Finding]], ...] = (
    check_row_sums, check_hierarchy, check_summary, check_cross_tables, check_three_public, check_names,
    check_narrative, check_project_names, check_narrative_reasons, check_description_units, check_empty_notes,
)


def audit_tables(tables: Tables, titles: dict[str, str], units: dict[str, str],
                 unit: dict | None = None, notes: dict[str, str] | None = None) -> tuple[list[Finding], int]:
    """Run every check; return the findings and the number of identities evaluated."""
    ctx = Context(tables, titles, units, [0], unit, notes)
    findings = [f for check in CHECKS for f in check(ctx)]
    return findings, ctx.counter[0]
