"""Parent header cells of tables printed without vertical rules.

A ruled table says which leaf columns a spanning header cell covers; a rule-less one does
not. What geometry still tells:

- a header label is a parent when another label sits under it a blank line or a rule apart
  (the lines of one wrapped label are closer than that);
- a parent is centred over the columns it spans, its text inside them, and those columns'
  labels all sit under it (a label reaching up to the parent's line is its neighbour);
- two parents on one line never share a column.

That leaves a few runs of columns for each parent (`candidate_runs`); the header's meaning
chooses among them (`grid.build_columns`: the run under which most labels map onto fields).
"""

from __future__ import annotations

from ..extract.document import Rule, Word
from .settings import SETTINGS


def sits_over(upper: Word, lower: Word, rules: list[Rule]) -> bool:
    """`upper` heads a header row of its own above `lower` (the nearest label under it): a blank
    line or a rule between them."""
    if lower.top < upper.bottom - 1 or min(upper.x1, lower.x1) - max(upper.x0, lower.x0) <= 0.5:
        return False
    gap = lower.top - upper.bottom
    ruled = any(r.orientation == "h" and upper.ymid < r.top < lower.ymid and r.x0 <= lower.xmid <= r.x1
                for r in rules)
    return ruled or gap > SETTINGS.header_level_gap * (upper.bottom - upper.top)


def wraps_under(word: Word, parent: Word) -> bool:
    """`word` is the next line of `parent`'s wrapped label (`一般公共预算基本支` / `出`): right
    under it at line spacing, centred on the same axis."""
    height = parent.bottom - parent.top
    return (-1 <= word.top - parent.bottom <= SETTINGS.wrap_line_gap * height
            and abs(word.xmid - parent.xmid) <= SETTINGS.parent_centre_slack)


def parent_cells(words: list[Word]) -> list[list[int]]:
    """Spanning words grouped into cells: side by side on one line, or the lines of one wrapped
    label (stacked, overlapping, less than a blank line apart). Indexes into `words`."""
    cells: list[list[int]] = []
    for i in sorted(range(len(words)), key=lambda k: (words[k].top, words[k].x0)):
        w = words[i]
        home = next((c for c in cells if any(_joined(words[k], w) for k in c)), None)
        if home is None:
            cells.append([i])
        else:
            home.append(i)
    return cells


def _joined(a: Word, b: Word) -> bool:
    height = min(a.bottom - a.top, b.bottom - b.top)
    same_line = abs(a.ymid - b.ymid) < height / 2 and max(a.x0, b.x0) - min(a.x1, b.x1) < height
    stacked = (min(a.x1, b.x1) - max(a.x0, b.x0) > 0
               and max(a.top, b.top) - min(a.bottom, b.bottom) <= SETTINGS.header_level_gap * height)
    return same_line or stacked


def candidate_runs(cell: list[Word], extents: list[tuple[float, float]], label_tops: list[float],
                   frame: tuple[float, float] | None = None) -> list[tuple[int, int]]:
    """Runs of columns (first, last) a parent cell can span, widest first.

    `extents` are each column's printed content (labels and body words, left to right),
    `label_tops` the top of each column's own label, `frame` the table's outer edges where a
    rule shows them. A run qualifies when its labels all sit under the cell, it holds the
    cell's text, and the cell's centre can be the run's centre for some placing of the run's
    outer edges in the gaps around it."""
    x0, x1 = min(w.x0 for w in cell), max(w.x1 for w in cell)
    bottom, mid = max(w.bottom for w in cell), (x0 + x1) / 2
    slack = SETTINGS.parent_centre_slack
    runs = []
    for a in range(len(extents)):
        for b in range(a, len(extents)):
            if label_tops[b] < bottom - 1:
                break  # a label reaching up to the parent's line: its neighbour, not under it
            (l0, l1), (r0, r1) = _edge_range(extents, a, "left", frame), _edge_range(extents, b, "right", frame)
            if l0 > x0 + slack or r1 < x1 - slack:
                continue  # the cell's text would stick out of the run
            if (l0 + r0) / 2 - slack <= mid <= (l1 + r1) / 2 + slack:
                runs.append((a, b))
    return sorted(runs, key=lambda r: (r[0] - r[1], r[0]))


def centring_error(cell: list[Word], extents: list[tuple[float, float]], run: tuple[int, int],
                   frame: tuple[float, float] | None = None) -> float:
    """How far the cell's centre is from its run's centre, the run's edges put mid-gap."""
    x0, x1 = min(w.x0 for w in cell), max(w.x1 for w in cell)
    left, right = _edge_range(extents, run[0], "left", frame), _edge_range(extents, run[1], "right", frame)
    return abs((x0 + x1) / 2 - (sum(left) + sum(right)) / 4)


def _edge_range(extents: list[tuple[float, float]], k: int, side: str,
                frame: tuple[float, float] | None) -> tuple[float, float]:
    """Where column k's left (or right) edge can be: in the gap to its neighbour's content; at
    the table's edge, on the frame's rule, or else within the widest gap between columns."""
    n = len(extents)
    pad = max((extents[j + 1][0] - extents[j][1] for j in range(n - 1)), default=0.0)
    if side == "left":
        if k:
            return extents[k - 1][1], extents[k][0]
        return (frame[0], frame[0]) if frame else (extents[k][0] - pad, extents[k][0])
    if k + 1 < n:
        return extents[k][1], extents[k + 1][0]
    return (frame[1], frame[1]) if frame else (extents[k][1], extents[k][1] + pad)
