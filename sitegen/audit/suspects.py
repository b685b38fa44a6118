"""One misprint, explained once: the printed cell that accounts for several failing identities.

Every identity the audit evaluates is an `Evaluation`: a printed target cell, the cells it should
equal the sum of, and the residual (printed − expected). Changing one cell by δ moves the residual
of each identity it takes part in by +δ (as the target) or −δ (as a part). A cell is the *suspect*
of a group of failures when one δ fixes every failing identity it is in (two at least), and it takes
part in no identity that holds (which the change would break). The finding then names the cell,
its printed value and the value that makes everything add up; nothing in the data changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .declared import Finding

Cell = tuple[str, int, str]


@dataclass
class Evaluation:
    target: Cell
    parts: tuple[Cell, ...]
    residual: Decimal  # printed − expected
    finding: Finding | None  # None: the identity holds


def _fixes(evaluations: list[Evaluation]) -> dict[Cell, list[tuple[Evaluation, Decimal]]]:
    """{cell: [(failing identity, the change to the cell that would fix it)]}."""
    out: dict[Cell, list[tuple[Evaluation, Decimal]]] = defaultdict(list)
    for ev in evaluations:
        if ev.finding is None:
            continue
        out[ev.target].append((ev, -ev.residual))
        for cell in ev.parts:
            out[cell].append((ev, ev.residual))
    return out


def suspects(evaluations: list[Evaluation], tol: Callable[[str], Decimal]) -> dict[Cell, tuple[Decimal, list]]:
    """{cell: (change, the failing evaluations it explains)} for cells that explain ≥ 2 failures alone."""
    holding = {c for ev in evaluations if ev.finding is None for c in (ev.target, *ev.parts)}
    found: dict[Cell, tuple[Decimal, list]] = {}
    for cell, fixes in _fixes(evaluations).items():
        if cell in holding or len(fixes) < 2:
            continue
        delta = fixes[0][1]
        if all(abs(d - delta) <= tol(cell[0]) for _, d in fixes):
            found[cell] = (delta, [ev for ev, _ in fixes])
    return found


def mark_suspects(evaluations: list[Evaluation], tables: dict[str, list[dict]], titles: dict[str, str],
                  column_title: Callable[[str, str], str], tol: Callable[[str], Decimal],
                  units: dict[str, str]) -> None:
    """Set `suspect` on each failing finding explained by exactly one best cell."""
    best: dict[int, list[tuple[int, Cell]]] = defaultdict(list)
    found = suspects(evaluations, tol)
    for cell, (_, explained) in found.items():
        for ev in explained:
            best[id(ev)].append((len(explained), cell))
    for ev in evaluations:
        candidates = sorted(best.get(id(ev), []), reverse=True)
        if not candidates or (len(candidates) > 1 and candidates[0][0] == candidates[1][0]):
            continue  # no cell, or two cells explain it equally well: say nothing
        cell = candidates[0][1]
        delta, explained = found[cell]
        resource, index, column = cell
        row = tables[resource][index]
        printed = _number(row.get(column))
        likely = format(printed + delta, "f")
        label = str(row.get("name") or row.get("item") or row.get("section") or "合计")
        table = titles.get(resource, resource)
        header = column_title(resource, column)
        unit = units.get(resource, "万元")
        ev.finding.suspect = {
            "resource": resource, "row_code": str(row.get("code") or ""), "row_name": label,
            "column": column, "column_title": header, "printed": format(printed, "f"), "likely": likely,
            "explains": len(explained), "source_page": _int(row.get("source_page")),
            "message": f"这很可能是一处印刷错误：{table}「{label}」行的{header}印为 {format(printed, 'f')} {unit}，"
                       f"若为 {likely} {unit}，相关的 {len(explained)} 处核对全部相符。",
        }


def _number(value) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "")) if value not in (None, "") else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def _int(value) -> int | None:
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None
