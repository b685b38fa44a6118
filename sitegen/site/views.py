"""What pages need of a written package: rows, totals, chart series, facts."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..package.schemas import TABLE_RESOURCES
from .tables import NOT_FOUND_MARK

TABLE_NAMES = frozenset(r.name for r in TABLE_RESOURCES)


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

    def rows(self, name: str) -> list[dict]:
        if name not in self._rows:
            path = self.folder / f"{name}.csv"
            if not path.exists():
                self._rows[name] = []
            else:
                with open(path, encoding="utf-8", newline="") as fh:
                    self._rows[name] = list(csv.DictReader(fh))
        return self._rows[name]

    def forget(self) -> None:
        """Drop cached rows (a site of thousands of packages must not hold them all)."""
        self._rows.clear()

    def resource(self, name: str) -> dict | None:
        return next((r for r in self.descriptor.get("resources", []) if r["name"] == name), None)

    def wan(self, name: str, value: str) -> str:
        """A printed amount in 万元: 元 tables shift the decimal point exactly."""
        res = self.resource(name) or {}
        if not value or res.get("unit") != "元":
            return value
        try:
            return format(Decimal(value).scaleb(-4).normalize(), "f")
        except InvalidOperation:
            return value

    def total(self, name: str, column: str) -> str:
        """The total row's value, in 万元."""
        for row in self.rows(name):
            if row.get("level") == "0" and row.get(column):
                return self.wan(name, row[column])
        return ""

    def summary_total(self) -> str:
        """收支总预算 (表1's income total), in 万元."""
        for row in self.rows("income_expenditure_summary"):
            if row["side"] == "income" and "总计" in row["item"]:
                return self.wan("income_expenditure_summary", row["amount"])
        return ""

    @property
    def year(self) -> str:
        return str(self.unit.get("year") or "")

    def three_public(self) -> str:
        row = next((r for r in self.rows("three_public_expenses") if "合计" in r.get("item", "")), None)
        return self.wan("three_public_expenses", row["total"]) if row and row.get("total") else ""

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
        """Whether a document of this kind has a table of that resource (决算 tables are `final_*`)."""
        return resource.startswith("final_") == (self.unit.get("kind") == "final")

    def coverage(self) -> dict:
        """How much of the document the site read: recognised tables, tables kept as printed, not found."""
        recognised, extra, missing = [], [], []
        for res in self.descriptor.get("resources", []):
            name = res["name"]
            if name.startswith("extra_"):
                extra.append(res)
            elif name in TABLE_NAMES and self.expects(name):
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
        for row in self.rows(name):
            if str(row.get("level")) == str(level) and row.get(column):
                out.append((f"{row.get('code', '')} {row.get('name', '')}".strip(), Decimal(self.wan(name, row[column]))))
        return out

    def basic_project(self) -> list[tuple[str, Decimal]]:
        basic, project = self.total("expenditure_summary", "basic"), self.total("expenditure_summary", "project")
        return [(label, Decimal(v)) for label, v in (("基本支出", basic), ("项目支出", project)) if v]

    def three_public_series(self) -> list[tuple[str, Decimal]]:
        out = []
        for row in self.rows("three_public_expenses"):
            item = row.get("item", "")
            if any(k in item for k in ("出国", "接待", "购置费", "运行费")) and "购置及运行" not in item:
                out.append((item.replace("其中：", ""), Decimal(self.wan("three_public_expenses", row.get("total") or "0"))))
        return out


def load_packages(root: Path) -> list[PackageView]:
    views = []
    for dp in sorted(Path(root).glob("*/*/datapackage.json")):
        view = PackageView(dp.parent, dp.parent.parent.name, dp.parent.name)
        try:
            view.descriptor  # noqa: B018 - skip unreadable packages now
        except (OSError, json.JSONDecodeError):
            continue
        view.forget()
        views.append(view)
    return views


def money(value: str) -> str:
    """Thousands separators for display; the printed decimals are kept."""
    if value in ("", None):
        return ""
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return f"{d:,}"


