"""Checks on the wording of 第三部分 against the tables: names printed slightly wrong.

They need the document's text, so they run when a document is parsed; `validate` on a
written package keeps what the build found (see `audit_package`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..disclosure.template import norm, title_resource
from .checks import Finding

STANDARD_TERMS = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "上年结转结余")  # long enough to be sure
WORDING_CHECKS = ("narrative_transfer", "narrative_term", "narrative_title", "narrative_component", "narrative_persons", "narrative_staff")


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
                yield Finding("", "第三部分 情况说明", "", window, "wording", "narrative_term", term, window,
                              "warning", f"说明中「{window}」应为「{term}」")


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
            yield Finding(resource, "第三部分 情况说明", "", name, "wording", "narrative_title", printed, name,
                          "warning", f"说明中称「{name}」，表的标题为「{printed}」")


def check_components(text: str, names: set[str]) -> Iterator[Finding]:
    """第三部分 六's 人员经费/公用经费 components against 表6's names (one or two characters off)."""
    names = {norm(n) for n in names}
    for m in re.finditer(r"主要包括[:：](.*?)。", text):
        for part in re.split(r"[、，,]", m.group(1)):
            part = norm(part.strip())
            if not part or part in names:
                continue
            close = [n for n in names if _near(part, n, 2)]
            if close:
                yield Finding("general_basic_expenditure", "第三部分 六", "", part, "wording", "narrative_component",
                              close[0], part, "warning", f"说明中「{part}」，表6 为「{close[0]}」")


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
                yield Finding("performance_targets", "项目支出绩效目标表", "", name, "target_value",
                              "narrative_persons", str(described[name]), str(value), "warning",
                              f"「{name}」绩效目标 {row.get('level3')} {row.get('target')}，项目说明为 {described[name]} 人")


def check_staff(reasons: list[str], staffing: dict) -> Iterator[Finding]:
    """A change in staff given as a reason that 第一部分's staffing does not show (soft)."""
    printed = staffing.get("employed_change")
    if printed is None:
        return
    for reason in reasons:
        for m in re.finditer(r"(减少|增加)(\d+)人", reason):
            said = int(m.group(2)) * (-1 if m.group(1) == "减少" else 1)
            if said != printed:
                yield Finding("narrative_changes", "第三部分 情况说明", "", reason, "reason", "narrative_staff",
                              f"{printed:+d}", f"{said:+d}", "warning",
                              f"原因称人员{m.group(1)}{m.group(2)}人，第一部分在职人数变化为 {printed:+d}（口径可能不同）")
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
                yield Finding("income_summary", "第三部分 二 / 表2", str(row.get("code")), str(row.get("name")),
                              "general_budget_transfer", "narrative_transfer", str(own), "",
                              "warning", f"说明称「{name}」列入上级转移支付，表2 中 {row.get('code')} 的 {own} 万元"
                                         f"仍在一般公共预算列")


def wording_findings(text: str, tables: dict, records: dict, unit: dict) -> list[Finding]:
    titles = {name: t.title for name, t in tables.items()}
    basic = tables.get("general_basic_expenditure")
    names = {str(r.get("name")) for r in (basic.rows if basic else [])}
    reasons = [str(r.get("reason") or "") for r in records.get("narrative_changes", [])]
    income = tables.get("income_summary")
    out = [*check_transfer_claims(text, income.rows if income else []),
           *check_terms(text), *check_titles(text, titles), *check_components(text, names),
           *check_persons(records.get("performance_targets", []), unit.get("projects", [])),
           *check_staff(reasons, unit.get("staffing", {}))]
    return out
