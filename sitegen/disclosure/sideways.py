"""Tables printed sideways: the items are column headers, the values one row under them.

三公 tables are printed this way in most templates: 合计 | 因公出国(境)费 | 公务用车… | 公务接待费 |
会议费 …, with variants read here by meaning:

- the value row is one line, or a 合计 line plus one line per unit (the 合计 line is the table's
  row; each unit line is kept as an `x_` field titled with its printed name);
- two years side by side (``2025年预算数 | 2026年预算数``) or a row per year (``2025年``,
  ``2026年``, ``增减变化金额``): the latest year fills the contract fields, the others are kept as
  `x_` fields titled with their printed label;
- each item split by source (一般公共预算 | 政府性基金预算 | 国有资本经营预算) or by 预算数 / 决算数:
  the sub-header names the field.

Nothing is dropped: a printed number is either in a contract field or in an `x_` field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import template
from .model import Row, Table, Warning_

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_TOTAL_WORDS = ("合计", "小计", "总计")
_LABEL_HEADER = re.compile(r"编码|代码|名称|单位|年度|项目|科目")
SOURCE_FIELDS = {"一般公共预算": "general_budget", "政府性基金": "fund_budget", "国有资本经营": "state_capital_budget"}
MEASURE_FIELDS = {"决算": "final", "预算": "budget"}


@dataclass
class _Cell:
    """One value column: which item it holds, in which field, for which year group."""

    index: int
    item: str
    field: str
    group: str  # "" for the main group, else the printed year/measure heading it belongs to
    sub: str  # the printed sub-header naming the field (一般公共预算, 决算数), or ""


def _source_field(label: str) -> str | None:
    return next((f for word, f in SOURCE_FIELDS.items() if word in label), None)


def _measure_field(label: str) -> str | None:
    return next((f for word, f in MEASURE_FIELDS.items() if word in label and len(label) <= 6), None)


def _item_label(own: str, parents: list[str]) -> str:
    if own in _TOTAL_WORDS and parents:
        return f"{parents[-1]}（{own}）"
    return own or (parents[-1] if parents else "")


def _year_groups(columns) -> set[str]:
    return {p for c in columns for p in c.parents if _YEAR.search(p) and len(p) <= 12}


def _cells(columns, values: set[int], measured: bool) -> list[_Cell]:
    """Each value column's item, field and group."""
    groups = _year_groups(columns)
    latest = max(groups, key=lambda g: int(_YEAR.search(g).group(1)), default="")
    out = []
    for k, col in enumerate(columns):
        if k not in values:
            continue
        own = template.norm(col.own)
        parents = [template.norm(p) for p in col.parents]
        group = next((p for p in parents if p in groups or "增减" in p), "")
        parents = [p for p in parents if p != group]
        field, sub = ("final" if measured else "total"), ""
        measure = next((x for x in [own, *parents] if _measure_field(x)), None) if measured else None
        if measure:
            field, sub = _measure_field(measure), measure
            own, parents = ("", parents) if measure == own else (own, [p for p in parents if p != measure])
        elif _source_field(own) and parents:
            field, sub, own = _source_field(own), own, ""
        item = _item_label(own, parents) if own else _item_label(parents[-1], parents[:-1]) if parents else ""
        out.append(_Cell(k, item, field, "" if group == latest else group, sub))
    return out


def index_row(row) -> bool:
    """A 栏次 row under the header: 1 2 3 … (or ※ 1 2 3) numbering the columns."""
    cells = [c.replace(" ", "") for c in row.cells if c.strip()]
    numbers = [c for c in cells if c.isdigit()]
    labels = [c for c in cells if not c.isdigit()]
    return len(numbers) >= 2 and numbers == [str(k) for k in range(1, len(numbers) + 1)] and all(
        set(c) <= set("栏次※*•·-—") or c in ("栏次", "行次") for c in labels) and len(labels) <= 3


def _is_label_column(k: int, column, data, number) -> bool:
    """A column of names (单位名称, 年度) rather than amounts: by its header or by its cells."""
    if _LABEL_HEADER.search(template.norm(column.own)) and not column.parents:
        return True
    cells = [r.cells[k] for r in data if k < len(r.cells) and r.cells[k].strip()]
    return bool(cells) and all(number(c) is None for c in cells) or not (column.own or column.parents)


def _row_label(row, label_columns: list[int]) -> str:
    return template.norm("".join(row.cells[k] for k in label_columns if k < len(row.cells)))


def _main_row(data, labels: list[str]) -> int:
    """The row that fills the contract fields: the 合计 line, else the latest year, else the first."""
    for i, label in enumerate(labels):
        if template.TOTAL_LABEL.match(label) or label in _TOTAL_WORDS:
            return i
    years = [(int(m.group(1)), i) for i, label in enumerate(labels) if (m := _YEAR.search(label))]
    return max(years)[1] if years else 0


def read_sideways(table: Table, columns, rows, warnings: list[Warning_], number) -> Table:
    """Read a sideways table into item rows (`item` plus value fields); `number` parses a cell."""
    measured = table.resource.startswith("final_")
    data = [r for r, _ in rows if any(number(c) is not None for c in r.cells if c) and not index_row(r)]
    if not data:
        warnings.append(Warning_("no value row under the items; table left empty", None, table.title))
        return table
    label_columns = [k for k, c in enumerate(columns) if _is_label_column(k, c, data, number)]
    values = set(range(len(columns))) - set(label_columns)
    cells = _cells(columns, values, measured)
    labels = [_row_label(r, label_columns) for r in data]
    main = _main_row(data, labels)
    by_item: dict[str, Row] = {}
    x_titles: dict[str, str] = {}
    for i, row in enumerate(data):
        for cell in cells:
            if cell.index >= len(row.cells):
                continue
            rec = by_item.setdefault(cell.item, {"item": cell.item, "source_page": row.page})
            value = number(row.cells[cell.index])
            if i == main and not cell.group:
                rec[cell.field] = value
                continue
            title = " ".join(t for t in (cell.group, labels[i] if i != main else "", cell.sub) if t)
            rec[template.x_name(title, x_titles)] = value
    table.rows = list(by_item.values())
    table.x_fields = [(name, title) for title, name in x_titles.items()]
    if len(data) > 1 or any(c.group for c in cells):
        kept = ", ".join(x_titles)
        warnings.append(Warning_(f"read the row {labels[main] or 'printed'} of this year; also kept as x_ fields: {kept}",
                                 data[0].page, table.title))
    table.columns = ["item", *dict.fromkeys(c.field for c in cells if not c.group)]
    return table
