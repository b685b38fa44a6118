"""What pages need of a written package: rows, totals, chart series, facts."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..contract import FINAL_OF, table_resources
from .tables import NOT_FOUND_MARK

_SOURCES = ("general_budget", "fund_budget", "state_capital_budget")


class BadPackage(ValueError):
    """A written package whose data cannot be shown (hand-edited, or from an older sitegen)."""


@dataclass
class PackageView:
    """What a page needs of one package."""

    folder: Path
    unit_id: str
    slug: str  # "<year>-<kind>"
    _rows: dict = field(default_factory=dict, repr=False)

    @property
    def descriptor(self) -> dict:
        """datapackage.json, read when needed and dropped by forget()."""
        if "_descriptor" not in self._rows:
            self._rows["_descriptor"] = json.loads((self.folder / "datapackage.json").read_text(encoding="utf-8"))
        return self._rows["_descriptor"]

    @property
    def url(self) -> str:
        return f"{self.unit_id}/{self.slug}/"

    @property
    def unit(self) -> dict:
        return self.descriptor.get("unit", {})

    def audit(self) -> dict:
        if "_audit" not in self._rows:
            path = self.folder / "audit.json"
            self._rows["_audit"] = (json.loads(path.read_text(encoding="utf-8")) if path.exists()
                                    else {"checks_run": 0, "findings": []})
        return self._rows["_audit"]

    def findings(self) -> list[dict]:
        return self.audit().get("findings", [])

    @property
    def kind(self) -> str:
        return str(self.unit.get("kind") or "budget")

    def res(self, name: str) -> str:
        """The resource of this meaning in this package: a budget name, or its final_* twin in a 决算."""
        return FINAL_OF.get(name, name) if self.kind == "final" else name

    def rows(self, name: str) -> list[dict]:
        name = self.res(name)
        if name not in self._rows:
            path = self.folder / f"{name}.csv"
            if not path.exists():
                self._rows[name] = []
            else:
                with open(path, encoding="utf-8", newline="") as fh:
                    self._rows[name] = list(csv.DictReader(fh))
                self._check_numbers(name)
        return self._rows[name]

    def _check_numbers(self, name: str) -> None:
        """A package on disk is input too: a number column holding anything but a finite
        decimal ("NaN", "sNaN", "1e999") makes the package unusable for pages."""
        schema = (self.resource(name) or {}).get("schema", {})
        numeric = [f["name"] for f in schema.get("fields", []) if f.get("type") in ("number", "integer")]
        for line, row in enumerate(self._rows[name], start=2):
            for column in numeric:
                value = row.get(column) or ""
                try:
                    finite = not value or Decimal(value).is_finite()
                except InvalidOperation:
                    finite = False
                if not finite:
                    raise BadPackage(f"{name}.csv line {line}, {column}: {value[:40]!r} is not a number")

    def forget(self) -> None:
        """Drop cached rows (a site of thousands of packages must not hold them all)."""
        self._rows.clear()

    def resource(self, name: str) -> dict | None:
        name = self.res(name)
        return next((r for r in self.descriptor.get("resources", []) if r["name"] == name), None)

    def wan(self, name: str, value: str) -> str:
        """A printed amount in 万元: 元 tables shift the decimal point exactly."""
        res = self.resource(name) or self.resource(self.res(name)) or {}
        if not value or res.get("unit") != "元":
            return value
        try:
            return format(Decimal(value).scaleb(-4).normalize(), "f")
        except InvalidOperation:
            return value

    def total(self, name: str, column: str) -> str:
        """The total row's value, in 万元."""
        for row in self.rows(self.res(name)):
            if row.get("level") == "0" and row.get(column) and not row.get("name", "").endswith(("人员经费合计", "公用经费合计")):
                return self.wan(name, row[column])
        return ""

    def summary_total(self) -> str:
        """收支总预算 (表1's income total), in 万元."""
        for row in self.rows(self.res("income_expenditure_summary")):
            if row["side"] == "income" and "总计" in row["item"]:
                return self.wan("income_expenditure_summary", row["amount"])
        return ""

    @property
    def year(self) -> str:
        return str(self.unit.get("year") or "")

    def three_public(self) -> str:
        """The unit's 三公 total in 万元, as the parser took it from the 三公 lines (never a 合计 that
        also covers 会议费, 培训费 or 机关运行经费)."""
        value = (self.unit.get("other") or {}).get("three_public_total")
        if value is None:
            return ""
        value = Decimal(str(value))
        name = self.res("three_public_expenses")
        for row in self.rows(name):  # the printed cell, with its printed decimals (508.20, not 508.2)
            for column in ("total", "final", *_SOURCES):
                printed = self.wan(name, row.get(column) or "")
                if printed and Decimal(printed) == value:
                    return printed
        return format(value.normalize(), "f")

    def staff(self) -> int | None:
        staffing = self.unit.get("staffing") or {}
        return staffing.get("actual") or staffing.get("employed")

    def head_count(self) -> tuple[int | None, str]:
        """The head count 人均 divides by, and what it is: 在职 staff, else 实有人数 as printed."""
        staffing = self.unit.get("staffing") or {}
        if staffing.get("employed"):
            return staffing["employed"], "在职人数"
        if staffing.get("actual"):
            return staffing["actual"], "实有人数（原文口径，可能含离退休人员）"
        return None, ""

    def expects(self, resource: str) -> bool:
        """Whether a document of this kind (预算 or 决算) has a table of that resource."""
        return resource in {r.name for r in table_resources(self.kind)}

    def coverage(self) -> dict:
        """How much of the document the site read: recognised tables, tables kept as printed, not found."""
        recognised, extra, missing = [], [], []
        for res in self.descriptor.get("resources", []):
            name = res["name"]
            if name.startswith("extra_"):
                extra.append(res)
            elif self.expects(name):
                not_found = (res.get("description") or "").startswith(NOT_FOUND_MARK)
                (missing if not_found else recognised).append(res)
        found = (self.descriptor.get("sitegen") or {}).get("tables") or 0
        return {
            "recognised": len(recognised),
            "extra": extra,
            "missing": missing,
            "printed": max(len(recognised) + len(extra), int(found)),
            "complete": not extra and len(recognised) >= int(found),
        }

    def series(self, name: str, level: int, column: str = "total") -> list[tuple[str, Decimal]]:
        """(label, 万元) pairs of one hierarchy level, for a chart."""
        out = []
        for row in self.rows(self.res(name)):
            if str(row.get("level")) == str(level) and row.get(column):
                out.append((f"{row.get('code', '')} {row.get('name', '')}".strip(), Decimal(self.wan(name, row[column]))))
        return out

    def basic_project(self) -> list[tuple[str, Decimal]]:
        basic, project = self.total("expenditure_summary", "basic"), self.total("expenditure_summary", "project")
        return [(label, Decimal(v)) for label, v in (("基本支出", basic), ("项目支出", project)) if v]

    def three_public_series(self) -> list[tuple[str, Decimal]]:
        """The 三公 items (因公出国, 公务接待, 公务用车购置 and 运行维护), without 会议费/培训费/机关运行经费."""
        out = []
        for row in self.rows(self.res("three_public_expenses")):
            item = row.get("item", "")
            if (any(k in item for k in ("出国", "接待", "购置", "运行")) and "及运行" not in item
                    and "和运行" not in item and not any(k in item for k in ("机关", "行政经费", "会议", "培训"))):
                amount = (row.get("final") if self.kind == "final" else row.get("total")) or str(
                    sum(Decimal(row[s]) for s in _SOURCES if row.get(s)))
                out.append((re.sub(r"^其中[:：]", "", item), Decimal(self.wan("three_public_expenses", amount))))
        return out


def readable(view: PackageView) -> bool:
    """Whether the package's descriptor reads (unreadable packages are skipped); not kept in memory."""
    try:
        view.descriptor  # noqa: B018
    except (OSError, json.JSONDecodeError):
        return False
    view.forget()
    return True


def load_packages(root: Path) -> list[PackageView]:
    views = (PackageView(dp.parent, dp.parent.parent.name, dp.parent.name)
             for dp in sorted(Path(root).glob("*/*/datapackage.json")))
    return [view for view in views if readable(view)]


def money(value: str) -> str:
    """Thousands separators for display; the printed decimals are kept."""
    if value in ("", None):
        return ""
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return f"{d:,}"


def outturn(final: PackageView, budget: PackageView) -> dict:
    """Budget against outturn of one unit and year, in 万元: per 类/款/项 of the 一般公共预算 财政拨款
    expenditure (预算 表5 against 决算 公开05), and the 三公 total."""
    lines: dict[str, dict] = {}
    for side, pkg in (("budget", budget), ("final", final)):
        for row in pkg.rows(pkg.res("general_budget_expenditure")):
            key = row.get("code") or ("total" if str(row.get("level")) == "0" else "")
            if not key or row.get("name", "").endswith(("人员经费合计", "公用经费合计")):
                continue
            line = lines.setdefault(key, {"code": row.get("code", ""), "name": row.get("name", ""),
                                          "level": row.get("level", ""), "budget": "", "final": ""})
            if not line[side]:
                line[side] = pkg.wan("general_budget_expenditure", row.get("total") or "")
    for line in lines.values():
        line["difference"] = _difference(line["final"], line["budget"])
    three = {"budget": budget.three_public(), "final": final.three_public()}
    three["difference"] = _difference(three["final"], three["budget"])
    return {"budget": budget, "lines": list(lines.values()), "three_public": three}


def _difference(a: str, b: str) -> str:
    try:
        return format(Decimal(a) - Decimal(b), "f") if a and b else ""
    except InvalidOperation:
        return ""
