"""Further expenditure lists printed beside the first in a two-sided table.

Some 收支总表 print the expenditure side three times over, side by side: by 支出功能分类科目,
by 部门预算支出经济科目 and by 政府预算支出经济分类科目, each a label column with its own amounts.
The contract's two-sided resource holds the income side and the first expenditure list; each
further list is a table of its own (an `extra_` resource), never amounts glued onto the first
list's rows, whose items they are not.
"""

from __future__ import annotations

import dataclasses

from . import template
from .model import Row, Table

LIST = "_side_list"  # row key while reading: (printed list header, {field: printed amount header})


def mark(rec: Row, index: int, columns: list) -> None:
    """Mark a row read from the index-th label column (0 income, 1 the first expenditure list)
    when it belongs to a further subject list (a whole classification again, headed …科目);
    the list's header and its amount headers come along."""
    if index < 2:
        return
    starts = [k for k, c in enumerate(columns) if c.field == "item"]
    if index >= len(starts):
        return
    if "科目" not in columns[starts[index]].own:
        return  # a short group under its own heading (支出用途: 基本支出, 项目支出): lines of the same side
    end = starts[index + 1] if index + 1 < len(starts) else len(columns)
    amounts = {c.field: c.own for c in columns[starts[index] + 1:end] if c.field}
    rec[LIST] = (columns[starts[index]].own, amounts)


def split(tables: dict[str, Table], free_name) -> list[str]:
    """Move each marked list out of its table into an extra_ table; the names it added."""
    added = []
    for table in list(tables.values()):
        marked = [r for r in table.rows if LIST in r]
        if not marked:
            continue
        table.rows = [r for r in table.rows if LIST not in r]
        for side in ("income", "expenditure"):
            for line, row in enumerate((r for r in table.rows if r.get("side") == side), start=1):
                row["line"] = line
        groups: dict[str, list[Row]] = {}
        for row in marked:
            groups.setdefault(row[LIST][0], []).append(row)
        for header, rows in groups.items():
            kind = template.classification_kind(header) or "list"  # economic, government_economic
            name = free_name(f"extra_{table.resource}_{kind}", tables)  # the same name in every document
            tables[name] = _list_table(table, name, header, rows)
            added.append(name)
    return added


def _list_table(table: Table, name: str, header: str, rows: list[Row]) -> Table:
    labels: dict[str, str] = {}
    for row in rows:
        for field, label in row[LIST][1].items():
            labels.setdefault(field, label)
    fields = [(f"value_{k}", labels[f]) for k, f in enumerate(labels, start=1)]
    out = Table(resource=name, title=f"{table.title}（{template.norm(header)}）", table_number=table.table_number,
                unit=table.unit, pages=sorted({r["source_page"] for r in rows}), fields=fields,
                columns=["item", *(f for f, _ in fields)])
    out.rows = [{"item": r["item"], **{f"value_{k}": r.get(f) for k, f in enumerate(labels, start=1)},
                 "source_page": r["source_page"]} for r in rows]
    if table.reading is not None:
        out.reading = dataclasses.replace(
            table.reading, header=[f"{header} → item", *(f"{label} → value_{k}" for k, (_, label) in
                                                          enumerate(fields, start=1))], failed_rows=[], warnings=[])
    return out
