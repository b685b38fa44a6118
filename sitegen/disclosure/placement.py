"""Put numbers back in their columns when the text lost the positions.

A row of plain text reads `208 05 07 机关事业单位基本养老保险基金的补助 5600 5600`: the
values are in column order but which columns they fill is unknown. Each row gets every
order-keeping placement of its values into the table's value columns; the template's
arithmetic then removes the impossible ones:

- the first printed value is the row's total column;
- on every row, total = the sum of its parts (`template.ROW_SUMS`);
- columns another table proves empty stay empty (表1 prints no 政府性基金 income …);
- anchors from other tables and the narrative (表7's project totals per code, 第三部分's
  基本/项目 totals) fix the values of some cells;
- every 类 = Σ its 款 and every 款 = Σ its 项, per column.

What is left with more than one placement is reported, and only the cells all remaining
placements agree on are filled: the solver never guesses. The same holds when the printed
order of the part columns is unknown (`solve_orders`): each possible order is solved, the
anchors choose, and the cells the remaining orders disagree on stay empty.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

TOL = Decimal("0.011")
MAX_COMBOS = 20000

Placement = dict[str, Decimal]


@dataclass
class TextRow:
    code: str
    level: int
    values: list[Decimal]
    candidates: list[Placement] = field(default_factory=list)
    chosen: Placement | None = None
    ambiguous: bool = False


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    return abs((a or Decimal(0)) - (b or Decimal(0))) <= TOL


def candidates(values: list[Decimal], fields: list[str], rules, empty: set[str]) -> list[Placement]:
    """Every order-keeping placement of values into fields that the row's own arithmetic allows."""
    if not values:
        return [{}]
    if len(values) > len(fields):
        return []
    out, loose = [], []
    for chosen in itertools.combinations(range(len(fields)), len(values)):
        if chosen[0] != 0:  # the first printed value is the total
            continue
        placement = {fields[i]: v for i, v in zip(chosen, values, strict=True)}
        if any(name in empty and value != 0 for name, value in placement.items()):
            continue
        loose.append(placement)
        if all(_close(placement.get(total), sum((placement.get(p) or Decimal(0) for p in parts), Decimal(0)))
               for total, parts in rules if total in placement or any(p in placement for p in parts)):
            out.append(placement)
    return out or loose  # a document's own slip: keep what the columns allow


def _matches(placement: Placement, anchor: dict[str, Decimal | None]) -> bool:
    return all(_close(placement.get(name), value) if value is not None else name not in placement
               for name, value in anchor.items())


def _children(rows: list[TextRow]) -> dict[int, list[int]]:
    """{row index: its children's indexes}: the total row's 类 rows, each row's next-level rows
    under its code. Grouped once per (level, code length), so linear in the rows."""
    groups: dict[tuple[int, int], dict[str, list[int]]] = {}

    def under(level: int, n: int) -> dict[str, list[int]]:
        if (level, n) not in groups:
            group: dict[str, list[int]] = {}
            for k, r in enumerate(rows):
                if r.level == level:
                    group.setdefault(r.code[:n], []).append(k)
            groups[level, n] = group
        return groups[level, n]

    return {i: under(1, 0).get("", []) if row.level == 0
            else under(row.level + 1, len(row.code)).get(row.code, []) if row.code else []
            for i, row in enumerate(rows)}


def _sums(combo: tuple[Placement, ...]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for placement in combo:
        for name, value in placement.items():
            total[name] = total.get(name, Decimal(0)) + value
    return total


def _fits(parent: Placement, combo: tuple[Placement, ...], fields: list[str]) -> bool:
    sums = _sums(combo)
    return all(_close(parent.get(name), sums.get(name)) for name in fields)


def solve(rows: list[TextRow], fields: list[str], rules, empty: set[str],
          anchors: dict[str, dict[str, Decimal | None]]) -> None:
    """Choose each row's placement; mark rows that stay ambiguous."""
    for row in rows:
        row.candidates = candidates(row.values, fields, rules, empty)
    narrow(rows, fields, anchors)


def sums_held(placement: Placement, rules) -> int:
    """The row sums a placement keeps minus the ones it breaks (sums it has no part of: 0)."""
    points = 0
    for total, parts in rules:
        if placement.get(total) is None or all(placement.get(p) is None for p in parts):
            continue
        points += 1 if _close(placement.get(total), sum((placement.get(p) or Decimal(0) for p in parts),
                                                         Decimal(0))) else -1
    return points


def settle_readings(readings: list[list[Placement]], codes: list[str], fields: list[str], rules) -> list[TextRow]:
    """Rows read several ways (a PDF's column cuts): readings[k][i] is row i in reading k.
    Each row's candidates are its distinct readings that keep the row sums best; the
    hierarchy sums then choose, and a row still open keeps only the cells its candidates share."""
    rows = []
    for i, code in enumerate(codes):
        options = _unique([reading[i] for reading in readings])
        best = max(sums_held(o, rules) for o in options)
        level = {3: 1, 5: 2, 7: 3}.get(len(code), 0) if code.isdigit() else (0 if code == "" else 4)
        rows.append(TextRow(code if code.isdigit() else "", level, [],
                            candidates=[o for o in options if sums_held(o, rules) == best]))
    narrow(rows, fields, {})
    return rows


def narrow(rows: list[TextRow], fields: list[str], anchors: dict[str, dict[str, Decimal | None]]) -> None:
    """From each row's candidates, keep what the anchors and the hierarchy sums allow."""
    for row in rows:
        anchor = anchors.get(row.code if row.level else "")
        if anchor:
            kept = [c for c in row.candidates if _matches(c, anchor)]
            row.candidates = kept or row.candidates
    kids = _children(rows)
    # bottom-up: a parent keeps the placements some choice of its children adds up to
    feasible = {i: list(r.candidates) for i, r in enumerate(rows)}
    for i in sorted(range(len(rows)), key=lambda k: -rows[k].level):
        children = kids[i]
        if not children:
            continue
        pools = [feasible[c] for c in children]
        if any(not p for p in pools) or _product_size(pools) > MAX_COMBOS:
            continue
        combos = list(itertools.product(*pools))
        kept = [p for p in feasible[i] if any(_fits(p, combo, fields) for combo in combos)]
        if kept:
            feasible[i] = kept
    # top-down: fix roots, then the children combinations that add up to their parent
    parents = {c for i in kids for c in kids[i]}
    order = sorted(range(len(rows)), key=lambda k: rows[k].level)
    for i in order:
        row = rows[i]
        if i not in parents or row.chosen is None and not row.ambiguous:
            pool = feasible[i]
            if row.chosen is None and not row.ambiguous:
                _settle(row, pool)
        children = kids[i]
        if not children:
            continue
        pools = [feasible[c] for c in children]
        if any(not p for p in pools) or _product_size(pools) > MAX_COMBOS:
            for c in children:
                _settle(rows[c], feasible[c])
            continue
        combos = list(itertools.product(*pools))
        if row.chosen is not None:
            fitting = [combo for combo in combos if _fits(row.chosen, combo, fields)]
            if not fitting:  # the document's own slip: keep the combinations closest to the parent
                deviation = [(_deviation(row.chosen, combo, fields), combo) for combo in combos]
                best = min(d for d, _ in deviation)
                fitting = [combo for d, combo in deviation if d == best]
        else:
            fitting = combos
        for position, c in enumerate(children):
            options = _unique([combo[position] for combo in fitting])
            _settle(rows[c], options)


def _deviation(parent: Placement, combo: tuple[Placement, ...], fields: list[str]) -> Decimal:
    sums = _sums(combo)
    return sum((abs((parent.get(n) or Decimal(0)) - (sums.get(n) or Decimal(0))) for n in fields), Decimal(0))


def _settle(row: TextRow, options: list[Placement]) -> None:
    options = _unique(options)
    if len(options) == 1:
        row.chosen = options[0]
        row.candidates = options
    elif options:
        row.ambiguous = True
        row.candidates = options
        common = {name: value for name, value in options[0].items()
                  if all(o.get(name) == value for o in options[1:])}
        row.chosen = common


def _unique(options: list[Placement]) -> list[Placement]:
    seen, out = set(), []
    for o in options:
        key = tuple(sorted(o.items()))
        if key not in seen:
            seen.add(key)
            out.append(o)
    return out


def _product_size(pools) -> int:
    size = 1
    for p in pools:
        size *= max(len(p), 1)
        if size > MAX_COMBOS:
            return size
    return size


def _anchored(rows: list[TextRow], anchors: dict[str, dict[str, Decimal | None]]) -> int:
    """How many rows' chosen placements agree with their anchors."""
    return sum(1 for r in rows if r.chosen and (a := anchors.get(r.code if r.level else "")) and _matches(r.chosen, a))


def solve_orders(make_rows, orders: list[list[str]], rules, empty: set[str],
                 anchors: dict[str, dict[str, Decimal | None]], printed: list[str] | None = None) -> list[TextRow]:
    """Solve the rows for each possible printed order of the value columns; the orders the
    anchors agree with most stay (the order the header prints, if it is one of them), and
    where they disagree on a row, only the cells they share are kept (the row is marked
    ambiguous, its candidates the differing placements)."""
    outcomes = []
    for order in orders:
        rows = make_rows()
        solve(rows, order, rules, empty, anchors)
        outcomes.append((_anchored(rows, anchors), order, rows))
    best = max(score for score, _, _ in outcomes)
    kept = [rows for score, order, rows in outcomes if score == best and order == printed]
    kept = kept or [rows for score, _, rows in outcomes if score == best]
    merged = kept[0]
    for k, row in enumerate(merged):
        options = _unique([rows[k].chosen or {} for rows in kept])
        if len(options) > 1:
            row.ambiguous = True
            row.candidates = options
            row.chosen = {name: value for name, value in options[0].items()
                          if all(o.get(name) == value for o in options[1:])}
    return merged
