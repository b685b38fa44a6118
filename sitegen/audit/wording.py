"""Text checks: the wording of 第三部分 against the tables (names, units, head counts).

They need the document's text, which the published CSVs do not hold, so they run when a
document is parsed; `validate` on a written package keeps what the build found in `audit.json`
(see `audit_published`). Which checks these are is declared in `declared.CHECKS` (`text=True`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..disclosure.template import norm, title_resource
from .declared import TEXT_CHECKS, Finding, finding

STANDARD_TERMS = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "上年结转结余")  # long enough to be sure
WORDING_CHECKS = TEXT_CHECKS  # the name older callers use


def _near(a: str, b: str, most: int) -> bool:
    return len(a) == len(b) and a != b and sum(x != y for x, y in zip(a, b, strict=True)) <= most


def check_terms(text: str) -> Iterator[Finding]:
    """A standard budget term printed with one character wrong (国有资产经营预算)."""
    seen = set()
    for term in STANDARD_TERMS:
        n = len(term)
        for i in range(len(text) - n + 1):
            window = text[i:i + n]
            if window not in seen and _near(window, term, 1) and not any(t in text[i - 2:i + n + 2] for t in STANDARD_TERMS):
                seen.add(window)
                yield finding("narrative_term", table="第三部分 情况说明", row_name=window, column="wording",
                              expected=term, found=window)


def check_titles(text: str, titles: dict[str, str]) -> Iterator[Finding]:
    """A table named in the text by a title other than the one printed over it."""
    reported = set()
    for m in re.finditer("表", text):
        end = m.end()
        best = None
        for k in range(4, 31):
            candidate = text[max(0, end - k):end]
            if title_resource(candidate):
                best = candidate
        if not best:
            continue
        resource = title_resource(best)
        printed = re.sub(r"^表\s*\d+\s*", "", titles.get(resource, ""))
        if printed and printed not in best and resource not in reported:
            name = best[-len(printed) - 2:] if len(best) > len(printed) + 2 else best
            if not _near(name[-len(printed):], printed, len(printed)) or printed[-4:] == name[-4:]:
                continue
            reported.add(resource)
            yield finding("narrative_title", resource=resource, table="第三部分 情况说明", row_name=name,
                          column="wording", expected=printed, found=name)


SHORT_NAME = 6  # a component name shorter than this may differ from 表6's in one character, longer in two


def check_components(text: str, names: set[str], subjects: frozenset[str] = frozenset()) -> Iterator[Finding]:
    """第三部分 六's 人员经费/公用经费 components against 表6's names (a character or two off).
    A component printed as a subject in any table (提租补贴, a 功能分类 项) is that subject, not a slip."""
    names = {norm(n) for n in names}
    subjects = frozenset(norm(n) for n in subjects)
    for m in re.finditer(r"主要包括[:：](.*?)。", text):
        for part in re.split(r"[、，,]", m.group(1)):
            part = norm(part.strip())
            if not part or part in names or part in subjects:
                continue
            close = [n for n in names if _near(part, n, 1 if len(part) < SHORT_NAME else 2)]
            if close:
                yield finding("narrative_component", resource="general_basic_expenditure", table="第三部分 六",
                              row_name=part, column="wording", expected=close[0], found=part)


def check_persons(targets: list[dict], projects: list[dict]) -> Iterator[Finding]:
    """A project's head count in its description against its performance target in 人."""
    described = {}
    for project in projects:
        numbers = re.findall(r"(\d+)人?", str(project.get("beneficiaries", "")))
        if numbers:
            described[str(project.get("name"))] = int(numbers[-1])
    for row in targets:
        name = str(row.get("project_name") or "")
        if name in described and "人数" in str(row.get("level3")) and str(row.get("target_unit", "")).startswith("人"):
            try:
                value = int(float(str(row.get("target_value"))))
            except ValueError:
                continue
            if value != described[name]:
                yield finding("narrative_persons", resource="performance_targets", table="项目支出绩效目标表",
                              row_name=name, column="target_value", expected=str(described[name]),
                              found=str(value), source_page=row.get("source_page") or None,
                              detail=f"「{name}」绩效目标 {row.get('level3')} {row.get('target')}，"
                                     f"项目说明为 {described[name]} 人。")


def check_staff(reasons: list[str], staffing: dict) -> Iterator[Finding]:
    """A change in staff given as a reason that 第一部分's staffing does not show (soft)."""
    printed = staffing.get("employed_change")
    if printed is None:
        return
    for reason in reasons:
        for m in re.finditer(r"(减少|增加)(\d+)人", reason):
            said = int(m.group(2)) * (-1 if m.group(1) == "减少" else 1)
            if said != printed:
                yield finding("narrative_staff", resource="narrative_changes", table="第三部分 情况说明",
                              row_name=reason, column="reason", expected=f"{printed:+d}", found=f"{said:+d}",
                              detail=f"原因称人员{m.group(1)}{m.group(2)}人，第一部分在职人数变化为 "
                                     f"{printed:+d}（口径可能不同）。")
                return


def check_transfer_claims(text: str, income_rows: list[dict]) -> Iterator[Finding]:
    """The text says items were moved into 上级…转移支付, but 表2 keeps them in 一般公共预算."""
    from difflib import SequenceMatcher

    leaves = [r for r in income_rows if r.get("level") == 3]
    for m in re.finditer(r"主要原因是[:：]?([^。]*?)列入上级一般公共预算安排的转移支付", text):
        for name in re.split(r"[、，,和及]", m.group(1)):
            name = name.strip()
            if len(name) < 6 or not leaves:
                continue
            score, row = max(((SequenceMatcher(None, name, str(r.get("name"))).ratio(), r) for r in leaves),
                             key=lambda pair: pair[0])
            if score < 0.7:
                continue
            transfer, own = row.get("general_budget_transfer"), row.get("general_budget")
            if not transfer and own:
                yield finding("narrative_transfer", resource="income_summary", table="第三部分 二 / 表2",
                              row_code=str(row.get("code")), row_name=str(row.get("name")),
                              column="general_budget_transfer", expected=str(own), found="",
                              source_page=row.get("source_page") or None,
                              detail=f"说明称「{name}」列入上级转移支付，表2 中 {row.get('code')} 的 {own} 万元"
                                     f"仍在一般公共预算列。")


_PER_PERSON = re.compile(r"(?:标准|人均)[^，。；]{0,12}?(\d+(?:\.\d+)?)\s*人/月")
_TINY_YUAN = re.compile(r"人均\s*(0\.\d+)\s*元")


def check_printed_units(records: dict, tables: dict) -> Iterator[Finding]:
    """A 类/款/项 amount of the text printed in 元 where 表5 has the same number in 万元."""
    t5 = tables.get("general_budget_expenditure")
    if t5 is None or t5.unit != "万元":
        return
    totals = {str(r.get("code") or ""): r.get("total") for r in t5.rows}
    for row in records.get("narrative_changes", []):
        code, unit, printed = str(row.get("code") or ""), row.get("_printed_unit"), row.get("amount")
        if code in totals and unit and unit != "万元" and printed is not None and printed == totals[code]:
            value = format(Decimal(printed), "f")
            yield finding("narrative_unit", resource="narrative_changes", table="第三部分 情况说明", row_code=code,
                          row_name=str(row.get("section")), column="amount", expected=f"{value}万元",
                          found=f"{value}{unit}", source_page=row.get("source_page") or None,
                          detail=f"说明中科目 {code} 的金额印为 {value}{unit}，表5 为 {value} 万元：单位误印。")


def check_description_units(projects: list[dict]) -> Iterator[Finding]:
    """Money in the project descriptions printed with a wrong unit (人/月 for 元/人/月, 0.05元 for 万元)."""
    for project in projects:
        name = str(project.get("name", ""))
        text = "；".join(str(v) for k, v in project.items() if k != "name")
        for value in dict.fromkeys(m.group(1) for m in _PER_PERSON.finditer(text)):
            yield finding("narrative_unit", table="第三部分 七 项目说明", row_name=name, column="unit",
                          expected=f"{value}元/人/月", found=f"{value}人/月",
                          detail=f"项目「{name}」的标准印为 {value}人/月，应为 元/人/月。")
        for m in _TINY_YUAN.finditer(text):
            yield finding("narrative_unit", table="第三部分 七 项目说明", row_name=name, column="unit",
                          expected=f"{m.group(1)}万元", found=f"{m.group(1)}元",
                          detail=f"项目「{name}」印为人均 {m.group(1)}元，按金额应为万元。")


def text_findings(text: str, tables: dict, records: dict, unit: dict) -> list[Finding]:
    """Every text check over one parsed document."""
    titles = {name: t.title for name, t in tables.items()}
    basic = tables.get("general_basic_expenditure")
    names = {str(r.get("name")) for r in (basic.rows if basic else [])}
    subjects = frozenset(str(r.get("name")) for t in tables.values() for r in t.rows if r.get("name"))
    reasons = [str(r.get("reason") or "") for r in records.get("narrative_changes", [])]
    income = tables.get("income_summary")
    out = [*check_printed_units(records, tables), *check_description_units(unit.get("projects", []))]
    if text:
        out += [*check_transfer_claims(text, income.rows if income else []),
                *check_terms(text), *check_titles(text, titles), *check_components(text, names, subjects),
                *check_persons(records.get("performance_targets", []), unit.get("projects", [])),
                *check_staff(reasons, unit.get("staffing", {}))]
    return out
