"""A reading checks itself: how each table was read, what failed, which identities hold.

Both front ends fill `Table.reading`; this module then, for any table:

- keeps out rows that are not rows — no code, no amount and no total label in a coded
  table (a wrapped label line that found no row), or a label longer than any subject name
  with no amount (several names glued together by a text export) — and reports each with
  its page and text;
- publishes a table printed empty (only a blank 合计 row or blank ruled lines under its header;
  a printed 0.00 is a value, not a blank) with its header only, as the contract says, and
  records how it was printed empty;
- checks the template's identities on what was read: total = Σ parts on every row
  (`template.ROW_SUMS`), 类 = Σ 款 and 款 = Σ 项 per amount column. It counts them; the
  audit reports the failing ones to the reader.
"""

from __future__ import annotations

from decimal import Decimal

from . import template, vocabulary
from .model import Reading, Row, Table, Warning_
from .settings import SETTINGS

TOL = Decimal("0.011")


def _amounts(row: Row) -> list[Decimal]:
    return [v for k, v in row.items() if isinstance(v, Decimal) and k != "level"]


def _label(row: Row) -> str:
    return str(row.get("name") or row.get("item") or row.get("project_name") or "")


def _failure(rows: list[Row], k: int, coded_table: bool) -> str:
    row, label = rows[k], _label(rows[k])
    if _amounts(row):
        return ""
    if len(template.norm(label)) > SETTINGS.max_label_chars:
        return "a label longer than any subject name and no amount: several rows glued together"
    neighbours = [rows[j] for j in (k - 1, k + 1) if 0 <= j < len(rows)]
    if coded_table and not row.get("code") and not row.get("project_name") and neighbours \
            and all(_amounts(r) for r in neighbours) and not template.TOTAL_LABEL.match(template.norm(label)):
        return "no code and no amount between rows that have them: a label line that found no row"
    return ""


def keep_real_rows(table: Table, warnings: list[Warning_]) -> None:
    """Move rows that are not rows out of the data, into the reading's failed rows."""
    reading = table.reading or Reading()
    coded = any(r.get("code") for r in table.rows)
    kept: list[Row] = []
    seen_totals: set[tuple] = set()
    for k, row in enumerate(table.rows):
        if not row.get("code") and template.TOTAL_LABEL.match(template.norm(_label(row))) and _amounts(row):
            key = (_label(row), tuple(_amounts(row)), row.get("side"))
            if key in seen_totals:  # the total line reprinted at the top of the next page
                warnings.append(Warning_(f"total row {_label(row)!r} printed again; kept once",
                                         row.get("source_page"), table.title))
                continue
            seen_totals.add(key)
        reason = _failure(table.rows, k, coded)
        if reason:
            page = row.get("source_page")
            reading.failed_rows.append({"page": page, "text": _label(row), "reason": reason})
            warnings.append(Warning_(f"row {_label(row)!r} not read: {reason}", page, table.title))
        else:
            kept.append(row)
    table.rows = kept
    reading.rows_read = len(kept)
    table.reading = reading


_STRUCTURE = {"code", "class_code", "section_code", "item_code", "level", "side", "line", "source_page",
              "name", "item", "project_name"}


def _blank(row: Row) -> bool:
    """A printed line with no code, no value and at most a total label: 合计 with blank cells."""
    label = template.norm(_label(row))
    values = [v for k, v in row.items() if k not in _STRUCTURE and v not in (None, "")]
    said = template.TOTAL_LABEL.match(label) or vocabulary.EMPTY_MARK.match(label)
    return not row.get("code") and not values and (not label or bool(said))


def printed_empty(table: Table) -> str:
    """How the table was printed empty, or '' when it holds data or its header was not read."""
    reading = table.reading or Reading()
    header_read = bool(table.columns or reading.columns)
    if not header_read or reading.failed_rows or not all(_blank(r) for r in table.rows):
        return ""
    if not table.rows:
        return "printed empty: no row with a code or an amount under the header"
    said = list(dict.fromkeys(template.norm(_label(r)) for r in table.rows if _label(r).strip()))
    what = f"only {' and '.join(said)}, no amount" if said else f"{len(table.rows)} blank lines"
    return f"printed empty: {what}; published with its header only"


def empty_as_printed(table: Table) -> None:
    """An empty table keeps its header only; its reading says how it was printed empty."""
    reading = table.reading or Reading()
    reading.empty = printed_empty(table)
    if reading.empty:
        table.rows = []
        reading.rows_read = 0
    table.reading = reading


def _holds(total: Decimal | None, parts: list[Decimal | None]) -> bool:
    return abs((total or Decimal(0)) - sum((p or Decimal(0) for p in parts), Decimal(0))) <= TOL


def _row_sums(table: Table) -> tuple[int, int]:
    checked = holding = 0
    for total, parts in template.ROW_SUMS.get(table.resource, []):
        for row in table.rows:
            if row.get(total) is None or all(row.get(p) is None for p in parts):
                continue
            checked += 1
            holding += _holds(row.get(total), [row.get(p) for p in parts])
    return checked, holding


def _hierarchy(table: Table) -> tuple[int, int]:
    """类 = Σ its 款, 款 = Σ its 项, per amount column, where the children are printed."""
    coded = [r for r in table.rows if r.get("code")]
    columns = sorted({k for r in coded for k, v in r.items() if isinstance(v, Decimal)})
    checked = holding = 0
    for parent in coded:
        code = str(parent["code"])
        children = [r for r in coded if len(str(r["code"])) == len(code) + 2 and str(r["code"]).startswith(code)]
        if len(code) not in (3, 5) or not children:
            continue
        for col in columns:
            if parent.get(col) is None and all(c.get(col) is None for c in children):
                continue
            checked += 1
            holding += _holds(parent.get(col), [c.get(col) for c in children])
    return checked, holding


def _sides(table: Table) -> tuple[int, int]:
    """A two-sided table: 收入总计 = 支出总计, per amount column both sides print."""
    totals = {side: next((r for r in table.rows if r.get("side") == side and "总计" in str(r.get("item"))), None)
              for side in ("income", "expenditure")}
    if None in totals.values():
        return 0, 0
    income, spend = _amounts(totals["income"]), _amounts(totals["expenditure"])
    if not income or not spend:
        return 0, 0
    return 1, int(_holds(income[0], [spend[0]]))


def check_identities(table: Table) -> None:
    """Count the template's identities checked on the table and those that hold."""
    reading = table.reading or Reading()
    counts = [_row_sums(table), _hierarchy(table), _sides(table)]
    reading.identities_checked = sum(c for c, _ in counts)
    reading.identities_holding = sum(h for _, h in counts)
    table.reading = reading


def finish(tables: dict[str, Table], warnings: list[Warning_]) -> None:
    """The common end of both front ends: failed rows out, identities counted, warnings kept."""
    for table in tables.values():
        keep_real_rows(table, warnings)
        empty_as_printed(table)
        check_identities(table)
        table.reading.warnings = [w.message for w in warnings if _about(w, table)]


def _about(warning: Warning_, table: Table) -> bool:
    named = template._TITLE_PREFIX.sub("", template.norm(warning.table or ""))
    return bool(named) and named == template.norm(table.title)
