"""Budget tables prepared for the page: numbers for reading, the name column first, flagged cells.

Pages show money in 万元 at the printed precision: a value printed in 万元 keeps its decimals
(padded to two), a value printed in 元 is shifted exactly and rounded to two decimals for display
only — the exact printed 元 value rides along in `data-y` (the page's 万元/元 switch and the tap
that shows the exact value read it), and the data files keep what was printed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ..contract import BY_NAME

if TYPE_CHECKING:
    from .views import PackageView

WAN_PLACES = 2  # 万元 shown to 2 decimals, as the national template prints them
HIDDEN = ("class_code", "section_code", "item_code", "level", "side", "line", "source_page", "code")
LABEL_FIELDS = ("name", "item", "project_name")  # the first of these a table has is its name column
UNTITLED = "（原表无列名）"  # a printed column with an empty header
NOT_FOUND_MARK = "本文件未印出此表"  # the writer's description of a resource whose table was not found


def _decimal(value: str | None) -> Decimal | None:
    if value in ("", None):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def wan_text(value: str | None, unit: str = "万元") -> str:
    """A printed amount as shown in 万元: printed decimals (at least two); 元 rounded to two."""
    d = _decimal(value)
    if d is None:
        return "" if value in ("", None) else str(value)
    if unit == "元":
        return f"{d.scaleb(-4).quantize(Decimal(1).scaleb(-WAN_PLACES), ROUND_HALF_UP):,}"
    places = max(WAN_PLACES, -d.as_tuple().exponent)
    return f"{d:,.{places}f}"


def wan_round(value: str | None) -> str:
    """A derived 万元 amount (a sum, a shifted 元 value) for display: two decimals, grouped."""
    d = _decimal(value)
    if d is None:
        return ""
    return f"{d.quantize(Decimal(1).scaleb(-WAN_PLACES), ROUND_HALF_UP):,}"


def wan_exact(value: str | None, unit: str = "万元") -> str:
    """The exact value in 万元 (a decimal shift for 元), for data attributes and titles."""
    d = _decimal(value)
    if d is None:
        return ""
    return format(d.scaleb(-4) if unit == "元" else d, "f")


def trend(value: str | None) -> str:
    """CSS class of a signed change: 'up', 'down', or '' for zero and empty (no colour)."""
    d = _decimal(value)
    return "" if d is None or d == 0 else ("up" if d > 0 else "down")


def signed_word(value: str | None) -> str:
    return {"up": "增加", "down": "减少"}.get(trend(value), "持平")


@dataclass
class Cell:
    text: str
    money: bool = False
    yuan: str = ""  # the exact printed value when the table prints 元
    flag: str = ""  # "" | "failing" | "suspect"
    anchor: str = ""


@dataclass
class Row:
    level: str
    side: str
    code: str
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Column:
    name: str
    title: str
    money: bool


def cell_anchor(resource: str, row_key: str, column: str) -> str:
    """The id of a table cell a finding points at: codes as they are, printed labels hashed."""
    safe = row_key if row_key.isascii() and row_key.isalnum() else hashlib.sha1(row_key.encode()).hexdigest()[:10]
    return f"c-{resource}-{safe}-{column}"


def row_key(row: dict) -> str:
    """How findings name a row: its code, else its printed label."""
    return row.get("code") or next((row.get(n, "") for n in LABEL_FIELDS if row.get(n)), "")


def _columns(name: str, res: dict) -> tuple[Column, list[Column]]:
    spec = BY_NAME.get(name)
    if spec is not None:
        cols = [Column(f.name, f.title, f.money) for f in spec.fields if f.name not in HIDDEN]
        # then the printed columns the contract lacks (x_ fields, titled as printed)
        cols += [Column(f["name"], f.get("title") or UNTITLED, f.get("type") == "number")
                 for f in res.get("schema", {}).get("fields", []) if f["name"].startswith("x_")]
    else:
        cols = [Column(f["name"], f.get("title") or UNTITLED, f.get("type") == "number")
                for f in res.get("schema", {}).get("fields", []) if f["name"] not in HIDDEN]
    by_name = {c.name: c for c in cols}
    label = next((by_name[n] for n in LABEL_FIELDS if n in by_name), None)
    label = label or next((c for c in cols if not c.money), Column("", "名称", False))
    return label, [c for c in cols if c is not label]


def table_view(pkg: PackageView, name: str, flags: dict[tuple[str, str, str], str] | None = None) -> dict:
    """One table ready for the template: name column first, cells formatted, flagged cells marked."""
    flags = flags or {}
    res = pkg.resource(name) or {}
    unit = res.get("unit", "万元")
    label, columns = _columns(name, res)
    raw = pkg.rows(name)
    rows, anchors = [], set()
    for r in raw:
        key = row_key(r)
        cells = []
        for c in columns:
            flag = flags.get((name, key, c.name), "")
            anchor = cell_anchor(name, key, c.name) if flag else ""
            anchor = "" if anchor in anchors else anchor  # a label printed twice: link the first
            anchors.add(anchor)
            if c.money:
                yuan = r.get(c.name, "") if unit == "元" else ""
                cells.append(Cell(wan_text(r.get(c.name), unit), True, yuan, flag, anchor))
            else:
                cells.append(Cell(r.get(c.name, ""), False, "", flag, anchor))
        rows.append(Row(r.get("level", ""), r.get("side", ""), r.get("code", ""), r.get(label.name, ""), cells))
    description = res.get("description", "")
    pages = sorted({int(r["source_page"]) for r in raw if str(r.get("source_page", "")).isdigit()})
    return {
        "name": name,
        "title": res.get("title") or name,
        "number": res.get("table_number", ""),
        "unit": unit,
        "not_found": not raw and description.startswith(NOT_FOUND_MARK),
        "note": description if not raw and not description.startswith(NOT_FOUND_MARK) else "",
        "label_title": label.title,
        "columns": columns,
        "rows": rows,
        "pages": pages,
    }

