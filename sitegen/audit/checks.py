"""The accounting identities of the template, as small named checks.

Each check reads tables as {resource: [row dicts]} (values as printed, str or Decimal)
and yields Findings. Nothing here changes a number.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from ..contract import ROW_SUMS
from .declared import Finding, finding
from .suspects import Evaluation, mark_suspects

TOLERANCE_WAN = Decimal("0.01")

Tables = dict[str, list[dict]]
Cell = tuple[str, int, str]  # (resource, row index, column)


@dataclass
class Context:
    tables: Tables
    titles: dict[str, str]  # resource → "表3 部门支出总体情况表"
    units: dict[str, str]  # resource → "万元" | "元"
    counter: list[int]  # checks run
    unit: dict | None = None  # the package's unit object (facts, project descriptions)
    notes: dict[str, str] | None = None  # resource → the 备注 printed under the table
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # resource → field → printed header
    text: dict[str, set[str]] = field(default_factory=dict)  # resource → printed text columns (x_ strings)
    evaluations: list[Evaluation] = field(default_factory=list)
    _rows: dict[int, tuple[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for resource, rows in self.tables.items():
            for i, row in enumerate(rows):
                self._rows[id(row)] = (resource, i)

    def tol(self, resource: str) -> Decimal:
        return TOLERANCE_WAN * 10000 if self.units.get(resource) == "元" else TOLERANCE_WAN

    def rows(self, resource: str) -> list[dict]:
        return self.tables.get(resource, [])

    def cell(self, row: dict, column: str) -> Cell | None:
        where = self._rows.get(id(row))
        return (where[0], where[1], column) if where else None

    def title(self, resource: str, column: str) -> str:
        return self.columns.get(resource, {}).get(column) or COLUMN_WORDS.get(column, column)


# what a column is called where a package does not say (the audit of in-memory tables)
COLUMN_WORDS = {"total": "合计", "amount": "金额", "basic": "基本支出", "project": "项目支出",
                "personnel": "人员经费", "public": "公用经费", "general_budget": "一般公共预算",
                "fiscal_subtotal": "财政拨款小计"}


def num(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        d = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _fmt(d: Decimal | None) -> str:
    return "" if d is None else format(d, "f")


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _page(row: dict) -> int | None:
    try:
        return int(row.get("source_page") or 0) or None
    except (TypeError, ValueError):
        return None


def _label(row: dict) -> str:
    return str(row.get("name") or row.get("item") or row.get("section") or "")


def _compare(ctx: Context, check: str, resource: str, row: dict, column: str, parts: list[tuple[dict, str]],
             parts_label: str, expected: Decimal | None = None) -> Iterator[Finding]:
    """One identity: row[column] (printed) = Σ parts (or `expected` when it is not a sum of cells)."""
    ctx.counter[0] += 1
    found = num(row.get(column))
    if expected is None:
        expected = _sum(num(r.get(c)) for r, c in parts)
    residual = (found if found is not None else Decimal(0)) - expected
    failed = abs(residual) > ctx.tol(resource)
    result = None
    if failed:
        result = finding(
            check, resource=resource, table=ctx.titles.get(resource, resource),
            row_code=str(row.get("code", "") or ""), row_name=_label(row), column=column,
            column_title=ctx.title(resource, column), expected=_fmt(expected), found=_fmt(found),
            source_page=_page(row), unit=ctx.units.get(resource, "万元"), parts=parts_label,
            diff=_fmt(abs(residual)),
        )
    target = ctx.cell(row, column)
    if target is not None:
        cells = [c for c in (ctx.cell(r, col) for r, col in parts) if c is not None]
        ctx.evaluations.append(Evaluation(target, tuple(cells), residual, result))
    if result is not None:
        yield result


# ------------------------------------------------------------------ row sums

def _parts_label(ctx: Context, resource: str, columns) -> str:
    names = [ctx.title(resource, c) for c in columns]
    return "、".join(names[:4]) + ("等各列" if len(names) > 4 else "")


def check_row_sums(ctx: Context) -> Iterator[Finding]:
    """On every row, a total column equals the sum of its part columns."""
    for resource, rules in ROW_SUMS.items():
        rows = ctx.rows(resource)
        # a table that does not print the part columns at all (e.g. one 金额 column) has no row identity
        titles, text = ctx.columns.get(resource, {}), ctx.text.get(resource, set())
        rules = [(t, _printed_parts(rows, t, parts, ctx.tol(resource), titles, text)) for t, parts in _unfold(rules, rows)
                 if any(num(r.get(p)) is not None for r in rows for p in parts) and any(t in r for r in rows)]
        for row in rows:
            for total, parts in rules:
                values = [num(row.get(p)) for p in parts]
                if num(row.get(total)) is None and all(v is None for v in values):
                    continue
                if all(v is None for v in values) and resource == "income_summary" and total == "total":
                    continue
                yield from _compare(ctx, "row_sum", resource, row, total, [(row, p) for p in parts],
                                    _parts_label(ctx, resource, parts))


def _unfold(rules: list[tuple[str, tuple[str, ...]]], rows: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
    """A part column no row prints that is itself a total of parts (财政拨款小计 = 一般公共预算拨款
    + …, when only its parts are printed under 本年收入财政拨款) stands for those parts."""
    totals = dict(rules)
    out = []
    for total, parts in rules:
        flat: list[str] = []
        for p in parts:
            unprinted = not any(num(r.get(p)) is not None for r in rows)
            flat.extend(totals[p] if p in totals and unprinted else (p,))
        out.append((total, tuple(flat)))
    return out


_NOT_A_PART = re.compile(r"其中|小计|合计")


def _printed_parts(rows: list[dict], total: str, parts: tuple[str, ...], tol: Decimal,
                   titles: dict[str, str], text: set[str]) -> tuple[str, ...]:
    """A table mapped by meaning may print part columns the contract lacks (`x_` fields, e.g.
    单位预留机动经费 beside 基本支出 and 项目支出, or 人员支出 and 日常公用支出 under 基本支出
    with no 小计): they join the parts when more rows add up with them than without (within the
    rounding tolerance; one misprinted row is the audit's finding, not a reason to drop them).
    A `其中` column is a part of the column before it and a `小计` column sums others: neither is a part."""
    extra = tuple(dict.fromkeys(k for r in rows for k in r
                                if k.startswith("x_") and k not in text and not _NOT_A_PART.search(titles.get(k, ""))))
    if not extra:
        return parts

    def holding(columns: tuple[str, ...]) -> int:
        return sum(1 for r in rows if num(r.get(total)) is not None
                   and abs(num(r.get(total)) - _sum(num(r.get(p)) for p in columns)) <= tol)

    return (*parts, *extra) if holding((*parts, *extra)) > holding(parts) else parts


# ------------------------------------------------------------------ hierarchy

HIERARCHY = ("income_summary", "expenditure_summary", "general_budget_expenditure",
             "general_basic_expenditure", "general_project_expenditure", "fund_budget_expenditure",
             "state_capital_expenditure", "final_income", "final_expenditure", "final_general_budget_expenditure",
             "final_fund_budget", "final_state_capital")


def _value_columns(rows: list[dict]) -> list[str]:
    fixed = {"code", "class_code", "section_code", "item_code", "level", "name", "project_name", "source_page"}
    return [k for k in (rows[0].keys() if rows else []) if k not in fixed and not k.startswith(("text_", "_"))]


def _children(rows: list[dict], levels: list[int]) -> dict[int, list[dict]]:
    """{row index: its child rows}: the total row's 类 rows, each 类's 款, each 款's 项 (one pass)."""
    out: dict[int, list[dict]] = defaultdict(list)
    parents: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if levels[i] in (1, 2):
            parents[(levels[i], str(row.get("code") or ""))].append(i)
    totals = [i for i, lv in enumerate(levels) if lv == 0]
    for row, level in zip(rows, levels, strict=True):
        code = str(row.get("code") or "")
        if level == 1:
            for i in totals:
                out[i].append(row)
        elif level in (2, 3):
            # a parent's code is the child's code cut to the parent's length (3 for 类, 5 for 款)
            for length in range(len(code), -1, -1):
                for i in parents.get((level - 1, code[:length]), ()):
                    out[i].append(row)
    return out


def check_hierarchy(ctx: Context) -> Iterator[Finding]:
    """Each 类 = Σ its 款, each 款 = Σ its 项, each total row = Σ the 类 rows (linear in the rows)."""
    extras = [name for name, rows in ctx.tables.items() if name.startswith("extra_") and rows and "level" in rows[0]]
    for resource in (*HIERARCHY, *extras):
        rows = ctx.rows(resource)
        columns = [c for c in _value_columns(rows) if c not in ctx.text.get(resource, set())]
        levels = [int(num(r.get("level")) or 0) for r in rows]
        children = _children(rows, levels)
        for i, row in enumerate(rows):
            kids = children.get(i)
            if not kids:
                continue
            label = ("各类", "其下各款", "其下各项")[levels[i]]
            for column in columns:
                if num(row.get(column)) is None and all(num(c.get(column)) is None for c in kids):
                    continue
                yield from _compare(ctx, "hierarchy", resource, row, column, [(c, column) for c in kids], label)


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
_SUBTOTAL_INCOME = re.compile(r"本年收入(合计|小计)")
_SUB_LINE = re.compile(r"^(\d+[.、．]|[（(][\d一二三四五六七八九十]+[)）]|其中)")  # a part of the line above


def check_summary(ctx: Context) -> Iterator[Finding]:
    """表1: income total = expenditure total; each side's total = sum of its lines."""
    for resource, column in (("income_expenditure_summary", "amount"), ("fiscal_summary", "total"),
                             ("final_income_expenditure_summary", "amount"), ("final_fiscal_summary", "total")):
        rows = ctx.rows(resource)
        inc, exp = _side_total(rows, "income"), _side_total(rows, "expenditure")
        if inc and exp:
            yield from _compare(ctx, "balance", resource, exp, column, [(inc, column)], "收入总计")
        if exp:
            lines = [r for r in rows if r.get("side") == "expenditure" and r.get("code")]
            if lines:
                yield from _compare(ctx, "side_sum", resource, exp, column, [(r, column) for r in lines],
                                    "支出方各功能分类行")
        if inc and resource == "income_expenditure_summary":
            yield from _income_side(ctx, resource, column, [r for r in rows if r.get("side") == "income"], inc)


def _income_side(ctx: Context, resource: str, column: str, income: list[dict], total: dict) -> Iterator[Finding]:
    """收入总计 = Σ the top lines (一、二、…); where a 本年收入合计 is printed, it = Σ the top lines above
    it, and 收入总计 = 本年收入合计 + the lines between them (上年结转, 使用结余, … — often unnumbered)."""
    end = next(i for i, r in enumerate(income) if r is total)
    items = [str(r.get("item") or "") for r in income]
    subtotal = next((i for i in range(end) if _SUBTOTAL_INCOME.search(items[i])), None)
    top = [r for r, item in zip(income[:end], items, strict=False) if _TOP_INCOME.match(item)]
    if subtotal is None:
        if top:
            yield from _compare(ctx, "side_sum", resource, total, column, [(r, column) for r in top],
                                "收入方“一、二、……”各行")
        return
    above = [r for r in income[:subtotal] if _TOP_INCOME.match(items[income.index(r)])]
    if above:
        yield from _compare(ctx, "side_sum", resource, income[subtotal], column, [(r, column) for r in above],
                            "收入方“一、二、……”各行")
    carried = [r for r, item in zip(income[subtotal + 1:end], items[subtotal + 1:end], strict=True)
               if not _SUB_LINE.match(item)]
    yield from _compare(ctx, "side_sum", resource, total, column,
                        [(income[subtotal], column), *((r, column) for r in carried)], "本年收入合计与其后各行（上年结转等）")


def _cross(ctx: Context, res_a: str, col_a: str, res_b: str, col_b: str) -> Iterator[Finding]:
    """The total row of res_a.col_a (printed) equals the total row of res_b.col_b."""
    a, b = _total_row(ctx.rows(res_a)), _total_row(ctx.rows(res_b))
    if a is None or b is None:
        return
    if ctx.units.get(res_a) != ctx.units.get(res_b) or num(b.get(col_b)) is None:
        return  # the other table does not print that column
    other = f"{ctx.titles.get(res_b, res_b).split(' ')[0]}的{ctx.title(res_b, col_b)}"
    yield from _compare(ctx, "cross_table", res_a, a, col_a, [(b, col_b)], other)


def check_cross_tables(ctx: Context) -> Iterator[Finding]:
    """表2 total = 表1 total; 表6 = 表5 basic; 表7 = 表5 project; 表3 = 表5 when all money is 一般公共预算."""
    summary = _side_total(ctx.rows("income_expenditure_summary"), "income")
    t2 = _total_row(ctx.rows("income_summary"))
    if summary and t2 and ctx.units.get("income_summary") == ctx.units.get("income_expenditure_summary"):
        other = f"{ctx.titles.get('income_expenditure_summary', '表1').split(' ')[0]}的收入总计"
        yield from _compare(ctx, "cross_table", "income_summary", t2, "total", [(summary, "amount")], other)
    yield from _cross(ctx, "general_basic_expenditure", "total", "general_budget_expenditure", "basic")
    yield from _cross(ctx, "general_project_expenditure", "total", "general_budget_expenditure", "project")
    if t2 is not None:
        general = _sum([num(t2.get("general_budget")), num(t2.get("general_budget_transfer"))])
        if num(t2.get("total")) is not None and abs(general - num(t2.get("total"))) <= ctx.tol("income_summary"):
            t5 = {str(r.get("code")): r for r in ctx.rows("general_budget_expenditure") if r.get("code")}
            t5[""] = _total_row(ctx.rows("general_budget_expenditure"))
            label = ctx.titles.get("general_budget_expenditure", "表5").split(" ")[0]
            total3 = _total_row(ctx.rows("expenditure_summary"))
            for row in ctx.rows("expenditure_summary"):
                if not row.get("code") and row is not total3:
                    continue  # a row per 预算单位 (表3 printed by unit): 表5 has no such row
                other = t5.get(str(row.get("code")))
                if other is None:
                    continue
                for column in ("total", "basic", "project"):
                    if column not in row or column not in other:
                        continue  # a table that does not print the column (unprinted_fields): nothing to compare
                    if num(row.get(column)) is None and num(other.get(column)) is None:
                        continue
                    yield from _compare(ctx, "cross_table", "expenditure_summary", row, column, [(other, column)],
                                        f"{label}同一科目（全部为一般公共预算时两表应相同）")


def check_final_basic(ctx: Context) -> Iterator[Finding]:
    """决算 公开06 人员经费合计 + 公用经费合计 = 公开05 基本支出 合计."""
    lists = [r for r in ctx.rows("final_general_basic_expenditure") if str(r.get("level")) == "0"]
    t5 = _total_row(ctx.rows("final_general_budget_expenditure"))
    if lists and t5 and num(t5.get("basic")) is not None and \
            ctx.units.get("final_general_basic_expenditure") == ctx.units.get("final_general_budget_expenditure"):
        yield from _compare(ctx, "cross_table", "final_general_basic_expenditure", t5, "basic",
                            [(r, "total") for r in lists], "公开06 人员经费合计、公用经费合计")


def _find(rows: list[dict], *words: str, exclude: tuple[str, ...] = ()) -> dict | None:
    for r in rows:
        item = str(r.get("item") or "")
        if all(w in item for w in words) and not any(x in item for x in exclude):
            return r
    return None


def check_three_public(ctx: Context) -> Iterator[Finding]:
    """表10 and 决算 公开07: 合计 = 因公出国 + 公务接待 + 公务用车(小计); 小计 = 购置 + 运行."""
    yield from _three_public(ctx, "three_public_expenses", ("total", "general_budget", "fund_budget",
                                                            "state_capital_budget"))
    yield from _three_public(ctx, "final_three_public_expenses", ("budget", "final"))


def _three_public(ctx: Context, resource: str, columns: tuple[str, ...]) -> Iterator[Finding]:
    rows = ctx.rows(resource)
    total = _find(rows, "三公") or _find(rows, "合计")
    abroad = _find(rows, "出国")
    reception = _find(rows, "接待")
    cars = _find(rows, "购置及运行") or _find(rows, "小计")
    purchase = _find(rows, "购置费", exclude=("运行",))
    running = _find(rows, "运行", exclude=("购置", "机关"))
    for column in columns:
        for parent, parts, label in ((total, (abroad, reception, cars), "因公出国（境）费、公务接待费、公务用车购置及运行费"),
                                     (cars, (purchase, running), "公务用车购置费、运行费")):
            if parent is None or any(p is None for p in parts):
                continue
            if num(parent.get(column)) is not None or any(num(p.get(column)) is not None for p in parts):
                yield from _compare(ctx, "three_public", resource, parent, column,
                                    [(p, column) for p in parts], label)


def check_names(ctx: Context) -> Iterator[Finding]:
    """The same function code printed with different names in different tables."""
    names: dict[str, dict[str, list[str]]] = {}
    for resource in ("income_summary", "expenditure_summary", "general_budget_expenditure",
                     "general_project_expenditure", "fund_budget_expenditure", "state_capital_expenditure"):
        table = ctx.titles.get(resource, resource)
        for row in ctx.rows(resource):
            code = str(row.get("code") or "")
            if not code:
                continue
            tables = names.setdefault(code, {}).setdefault(str(row.get("name") or ""), [])
            if table not in tables:
                tables.append(table)
    for code, variants in names.items():
        ctx.counter[0] += 1
        if len(variants) > 1:
            listing = "；".join(f"{name}（{'、'.join(t.split(' ')[0] for t in tables)}）" for name, tables in variants.items())
            yield finding("same_code_names", row_code=code, row_name=next(iter(variants)), column="name",
                          detail=f"科目 {code} 在各表中名称不一致：{listing}。")


def _narrative(ctx: Context, section: str) -> dict | None:
    return next((r for r in ctx.rows("narrative_changes") if r.get("section") == section), None)


NARRATIVE_TOTALS = (
    ("收支总预算", "income_expenditure_summary", None, "表1 收入总计"),
    ("支出预算/基本支出", "expenditure_summary", "basic", "表3 基本支出合计"),
    ("支出预算/项目支出", "expenditure_summary", "project", "表3 项目支出合计"),
    ("一般公共预算当年拨款/基本支出", "general_budget_expenditure", "basic", "表5 基本支出合计"),
    ("一般公共预算当年拨款/项目支出", "general_budget_expenditure", "project", "表5 项目支出合计"),
    ("一般公共预算基本支出", "general_basic_expenditure", "total", "表6 合计"),
    ("一般公共预算基本支出/人员经费", "general_basic_expenditure", "personnel", "表6 人员经费"),
    ("一般公共预算基本支出/公用经费", "general_basic_expenditure", "public", "表6 公用经费"),
)


def check_narrative(ctx: Context) -> Iterator[Finding]:
    """第三部分's figures equal the tables: totals, 三公, and every 类/款/项 line's amount and name."""
    for section, resource, column, label in NARRATIVE_TOTALS:
        row = _narrative(ctx, section)
        if row is None or ctx.units.get(resource, "万元") != "万元":
            continue
        if column is None:
            table_row, column = _side_total(ctx.rows(resource), "income"), "amount"
        else:
            table_row = _total_row(ctx.rows(resource))
        if table_row is None or num(table_row.get(column)) is None:
            continue
        yield from _compare(ctx, "narrative_total", "narrative_changes", row, "amount", [(table_row, column)], label)
    three = _narrative(ctx, "三公经费")
    rows = ctx.rows("three_public_expenses")
    total = _find(rows, "三公") or _find(rows, "合计", exclude=("会议", "培训", "运行经费", "行政经费"))
    if three and total and num(total.get("total")) is not None:
        yield from _compare(ctx, "narrative_total", "narrative_changes", three, "amount", [(total, "total")],
                            "表10 三公合计")
    t5 = {}
    for r in ctx.rows("general_budget_expenditure"):
        t5.setdefault(str(r.get("code") or ""), r)
    for row in ctx.rows("narrative_changes"):
        code = str(row.get("code") or "")
        if not code or code not in t5 or ctx.units.get("general_budget_expenditure", "万元") != "万元":
            continue
        yield from _compare(ctx, "narrative_item", "narrative_changes", row, "amount", [(t5[code], "total")],
                            "表5 该科目合计")
        printed_name = str(row.get("section") or "").split("/")[-1]
        table_name = str(t5[code].get("name") or "")
        ctx.counter[0] += 1
        if printed_name and table_name and printed_name != table_name:
            yield finding("narrative_name", resource="narrative_changes", table="第三部分 情况说明", row_code=code,
                          row_name=printed_name, column="name", expected=table_name, found=printed_name,
                          source_page=_page(row))


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
            yield finding("project_name", resource="performance_targets", table="项目支出绩效目标表",
                          row_name=name, column="project_name", expected=close, found=name, source_page=_page(row))


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
                yield finding("narrative_reason", resource="narrative_changes", table="第三部分 十 “三公”经费",
                              row_name=section, column="reason", expected=f"{_fmt(amount)}万元", found=reason,
                              source_page=_page(row))


def check_empty_notes(ctx: Context) -> Iterator[Finding]:
    """A table whose note says it is empty (为空表) while it prints amounts."""
    fixed = ("code", "class_code", "section_code", "item_code", "level", "line", "source_page")
    for resource, note in (ctx.notes or {}).items():
        if "空表" not in note:
            continue
        ctx.counter[0] += 1
        printed = [r for r in ctx.rows(resource)
                   if any(num(v) not in (None, Decimal(0)) for k, v in r.items() if k not in fixed)]
        if printed:
            yield finding("empty_note", resource=resource, table=ctx.titles.get(resource, resource), column="note",
                          expected="空表", found=f"{len(printed)} 行有金额", detail=note,
                          source_page=_page(printed[0]))


CHECKS: tuple[Callable[[Context], Iterator[Finding]], ...] = (
    check_row_sums, check_hierarchy, check_summary, check_cross_tables, check_final_basic, check_three_public, check_names,
    check_narrative, check_project_names, check_narrative_reasons, check_empty_notes,
)


def audit_tables(tables: Tables, titles: dict[str, str], units: dict[str, str],
                 unit: dict | None = None, notes: dict[str, str] | None = None,
                 columns: dict[str, dict[str, str]] | None = None,
                 text: dict[str, set[str]] | None = None) -> tuple[list[Finding], int]:
    """Run every table check; return the findings (suspect cells marked) and the identities evaluated.
    `text`: per resource, the printed columns that hold text (a second classification's codes), never summed."""
    ctx = Context(tables, titles, units, [0], unit, notes, columns or {}, text or {})
    findings = [f for check in CHECKS for f in check(ctx)]
    mark_suspects(ctx.evaluations, ctx.tables, ctx.titles, ctx.title, ctx.tol, ctx.units)
    return findings, ctx.counter[0]
