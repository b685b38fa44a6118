"""Income sources printed as a list: 项目名称 | 金额, one line per source (Jiangsu's 收入预算总表).

The contract's `income_summary` has the sources as columns (`total`, `general_budget`, …), so
such a list is the transpose of one contract row, the unit's, and is read as that one row:

- the 收入总计 line fills `total`;
- a group of lines (一般公共预算资金, 政府性基金, 财政专户管理资金, …; the group's name printed once
  in a merged cell on the left, its first line 小计) gives its 小计 to the contract column of the
  group's meaning, matched like a printed column header (小计 under the group's name);
- every other line (公共财政拨款(补助)资金, 事业收入, 其中：…), and a group the contract has no
  column for (其他资金, 上年结转和结余资金), is kept as an `x_` field titled "group line".

Nothing is summed or moved between lines; each printed amount is in exactly one field.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from . import template
from .grid import GridRow, read_segment, region_lines
from .model import Reading, Table, Warning_

_AMOUNT = ("金额", "预算数", "预算金额")
_SUBTOTAL = "小计"


def _match(labels: list[tuple[str, str]]) -> list[str | None]:
    """Header cells of a list: the label columns (项目名称 over group and line) and one amount."""
    out: list[str | None] = []
    for own, ctx in labels:
        text = template.norm(own + ctx)
        out.append("amount" if text in _AMOUNT else "item" if ("项目" in text or "名称" in text) else None)
    return out


def _lines(page, top: float, bottom: float) -> tuple[list[GridRow], str | None] | None:
    """The list's rows (label cells…, amount) and printed money unit, or None when it is no list."""
    lines = region_lines(page.words, top, bottom, page.height)
    seg = read_segment(page.number, lines, page.rules, template.TOTAL_LABEL, None, _match, {"amount"}, True,
                       lone_total=False)
    fields = [c.field for c in seg.columns]
    if not seg.header_found or fields.count("amount") != 1 or fields[-1] != "amount" or set(fields) != {"item", "amount"}:
        return None
    rows = [r for r in seg.rows if any(c.strip() for c in r.cells)]
    if len(rows) < 3 or not any(template.norm(r.cells[-2]) == _SUBTOTAL for r in rows):
        return None
    return rows, seg.unit


def _groups(rows: list[GridRow]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group name, [(line label, amount text)]) in printed order; a 小计 line opens a group."""
    groups: list[tuple[list[str], list[tuple[str, str]]]] = []
    for row in rows:
        names, label, amount = row.cells[:-2], template.norm(row.cells[-2]), row.cells[-1].strip()
        name = template.norm("".join(names))
        if label == _SUBTOTAL or not groups or template.TOTAL_LABEL.match(label or name):
            groups.append(([], []))
        if not label:  # the group's name on a line of its own
            groups[-1][0].append(name)
            continue
        groups[-1][0].append(name)
        groups[-1][1].append((label, amount))
    return [("".join(n), lines) for n, lines in groups]


def read_source_list(page, top: float, bottom: float, title: Table, number: Callable[[str], Decimal | None],
                     warnings: list[Warning_]) -> Table | None:
    """The list under `title` on `page` read as one income_summary row, or None when it is no list."""
    read = _lines(page, top, bottom)
    if read is None:
        return None
    rows, unit = read
    title.unit = unit or title.unit
    printed = [(group, label, amount) for group, lines in _groups(rows) for label, amount in lines]
    # only a group's 小计 and the table's total line can fill a contract column
    eligible = [(label, group) if label == _SUBTOTAL or template.TOTAL_LABEL.match(label) else ("", "")
                for group, label, _ in printed]
    fields = template.match_columns("income_summary", eligible)
    total_label = next((label for _, label, _ in printed if template.TOTAL_LABEL.match(label)), "")
    row: dict = {"code": "", "class_code": "", "section_code": "", "item_code": "", "level": 0,
                 "name": total_label, "source_page": page.number}
    taken: dict[str, str] = {}
    header = []
    for (group, label, amount), field in zip(printed, fields, strict=True):
        heading = f"{group} {label}".strip() if label != total_label else label
        name = field or template.x_name(heading, taken)
        row[name] = number(amount)
        header.append(f"{heading} → {name}")
    title.rows = [row]
    title.columns = ["name", *[f for f in fields if f]]
    title.x_fields = [(name, heading) for heading, name in taken.items()]
    title.pages = [page.number]
    title.reading = Reading(columns="vertical rules", rows="a list of income sources read as one row", header=header)
    warnings.append(Warning_(f"income sources printed as a list of {len(printed)} lines: read as one row "
                             f"(sources as columns, nothing summed)", page.number, title.title))
    return title
