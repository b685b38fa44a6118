"""Audit findings prepared for a citizen: message, where it is, a PDF page link, the cell to highlight.

The audit writes the plain-Chinese `message` and the `suspect` cell; this module only places them
on the page. Findings that share one suspect cell are shown once, with the checks it explains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..contract import BY_NAME
from .tables import cell_anchor, row_key, wan_text

if TYPE_CHECKING:
    from .views import PackageView

_NOT_PLAIN = re.compile(r"[A-Za-z_]{3,}|[≠Σ]")  # English words, field names, formulas
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class FindingView:
    severity: str
    where: str
    message: str
    page: str
    page_label: str
    anchor: str
    expected: str
    found: str
    suspect: bool = False
    related: list[str] = field(default_factory=list)


def column_title(resource: str, column: str) -> str:
    """The column's Chinese title, or '' for names the contract does not know."""
    spec = BY_NAME.get(resource)
    return next((f.title for f in spec.fields if f.name == column), "") if spec else ""


def plain(finding: dict, unit: str = "万元") -> str:
    """The audit's message when it is plain Chinese; otherwise one said from the finding's parts."""
    message = str(finding.get("message") or "")
    if message and _CJK.search(message) and not _NOT_PLAIN.search(message):
        return message
    expected, found = finding.get("expected"), finding.get("found")
    if expected not in ("", None) and found not in ("", None):
        return f"按表内其他数字推算应为 {wan_text(expected, unit)} 万元，原文印为 {wan_text(found, unit)} 万元。"
    return "这一处与文件中其他数字或名称不一致。"


def _key(item: dict) -> str:
    """How a finding or a suspect names its row: the code, else the printed label."""
    return str(item.get("row_code") or item.get("row_name") or "")


def _ref(suspect) -> tuple[str, str, str] | None:
    if isinstance(suspect, dict) and suspect.get("resource"):
        return (suspect["resource"], _key(suspect), str(suspect.get("column", "")))
    return None


def _page_of(pkg: PackageView, resource: str, key: str) -> str:
    """The page the finding's row is printed on (any table's, when the finding names none)."""
    names = [resource] if resource else [r["name"] for r in pkg.descriptor.get("resources", [])]
    for name in names:
        for row in pkg.rows(name):
            if key and row_key(row) == key and row.get("source_page"):
                return str(row["source_page"])
    return ""


NARRATIVE_MARK = "第三部分"  # findings about the narrative name it so in `table`


def _first_page(pkg: PackageView, resource: str) -> str:
    pages = [int(r["source_page"]) for r in pkg.rows(resource) if str(r.get("source_page", "")).isdigit()]
    return str(min(pages)) if pages else ""


def locate(pkg: PackageView, finding: dict, resource: str, key: str) -> tuple[str, str]:
    """(page, link text): the finding's own page, else its row's, else where its part begins."""
    page = str(finding.get("source_page") or _page_of(pkg, resource, key))
    if page:
        return page, f"原文第 {page} 页"
    if NARRATIVE_MARK in str(finding.get("table", "")):
        page = _first_page(pkg, "narrative_changes")
        return (page, f"原文说明部分（第 {page} 页起）") if page else ("", "")
    page = _first_page(pkg, resource) if resource else ""
    return (page, f"原文该表（第 {page} 页起）") if page else ("", "")


def _where(pkg: PackageView, resource: str, key: str, column: str, finding: dict) -> str:
    res = pkg.resource(resource) or {}
    table = " ".join(x for x in (res.get("table_number", ""), res.get("title", "")) if x) or finding.get("table", "")
    name = finding.get("row_name", "")
    row = key if not name or name == key else f"{key} {name}".strip()
    title = column_title(resource, column) if column != "name" else ""
    parts = [table, row, f"“{title}”列" if title else ""]
    return " ".join(p for p in parts if p)


def _view(pkg: PackageView, f: dict, message: str, suspect: bool = False) -> FindingView:
    resource, key, column = f.get("resource", ""), _key(f), f.get("column", "")
    page, page_label = locate(pkg, f, resource, key)
    anchor = cell_anchor(resource, key, column) if resource and column else ""
    return FindingView(f.get("severity", "warning"), _where(pkg, resource, key, column, f), message,
                       page, page_label, anchor, str(f.get("expected", "")), str(f.get("found", "")), suspect)


def finding_views(pkg: PackageView) -> tuple[list[FindingView], dict[tuple[str, str, str], str]]:
    """(findings to show, {(resource, row key, column): 'suspect' | 'failing'} for the tables).

    Findings explained by one suspect cell become one entry: the suspect's message, its page and
    cell, with the failing checks it explains listed under it."""
    flags: dict[tuple[str, str, str], str] = {}
    views: list[FindingView] = []
    by_suspect: dict[tuple[str, str, str], FindingView] = {}
    for f in pkg.findings():
        resource, column = f.get("resource", ""), f.get("column", "")
        message = plain(f, (pkg.resource(resource) or {}).get("unit", "万元"))
        if resource and column:
            flags.setdefault((resource, _key(f), column), "failing")
        ref = _ref(f.get("suspect"))
        if ref is None:
            views.append(_view(pkg, f, message))
            continue
        flags[ref] = "suspect"
        if ref not in by_suspect:
            suspect = {**f["suspect"], "severity": f.get("severity", "error")}
            by_suspect[ref] = _view(pkg, suspect, plain(suspect), suspect=True)
            views.append(by_suspect[ref])
        by_suspect[ref].related.append(message)
    return views, flags
