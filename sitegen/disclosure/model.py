"""The disclosure model: plain dataclasses, the pipeline's middle."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Value = str | int | Decimal | None
Row = dict[str, Value]


@dataclass
class Warning_:
    """Something the parser could not do; never fatal."""

    message: str
    page: int | None = None
    table: str | None = None

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.table, f"page {self.page}" if self.page else None) if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Reading:
    """How one table was read, published per resource in datapackage.json."""

    columns: str = ""  # "vertical rules", "header positions", "tabs", "arithmetic", …
    rows: str = ""  # "horizontal rules", "text lines", "lines anchored by codes and amounts"
    header: list[str] = field(default_factory=list)  # printed header label → field
    rows_read: int = 0
    failed_rows: list[dict] = field(default_factory=list)  # {"page", "text", "reason"}
    identities_checked: int = 0
    identities_holding: int = 0
    warnings: list[str] = field(default_factory=list)
    empty: str = ""  # how an empty table was printed (blank 合计 row, no rows); published header only

    def descriptor(self) -> dict:
        return {
            "columns": self.columns,
            "rows": self.rows,
            "header": self.header,
            "rows_read": self.rows_read,
            "failed_rows": self.failed_rows,
            "identities": {"checked": self.identities_checked, "holding": self.identities_holding},
            "warnings": self.warnings,
            "empty": self.empty,
        }


@dataclass
class Table:
    """One printed table mapped onto a contract resource."""

    resource: str
    title: str  # as printed
    table_number: str = ""  # "表3" or ""
    unit: str = "万元"
    rows: list[Row] = field(default_factory=list)
    note: str = ""  # 备注, e.g. "…为空表"
    pages: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # fields recognised in the header
    fields: list[tuple[str, str]] = field(default_factory=list)  # extra tables: (value_N, printed header)
    classification: bool = False  # extra tables: rows carry codes
    x_fields: list[tuple[str, str]] = field(default_factory=list)  # printed columns the contract lacks: (x_slug, header)
    x_text: list[str] = field(default_factory=list)  # the x_ fields that hold text (项目简介), not amounts
    unprinted: list[str] = field(default_factory=list)  # contract value fields this table does not print
    two_sided: bool = False  # extra tables: income | expenditure sides printed side by side
    reading: Reading | None = None  # how it was read; filled by the front end and `reading.finish`

@dataclass
class Source:
    path: str
    sha256: str
    pages: int
    media_type: str
    url: str = ""


@dataclass
class Disclosure:
    unit: dict[str, Any]
    source: Source
    tables: dict[str, Table] = field(default_factory=dict)
    records: dict[str, list[Row]] = field(default_factory=dict)  # performance_targets, narrative_changes
    narrative: str = ""  # 第三部分 as text, for the audit's wording checks (not published)
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.unit.get("name") or "")

    @property
    def year(self) -> int | None:
        return self.unit.get("year")

    @property
    def kind(self) -> str:
        return str(self.unit.get("kind") or "budget")


class ParseError(Exception):
    """The document is not a disclosure sitegen can read (no tables, no unit, …)."""
