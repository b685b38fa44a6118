"""Rebuild a printed table's grid from positioned words and ruling lines.

Works on ruled grids, on tables with horizontal rules only and on tables with no rules
at all: column boundaries come from vertical rules when the body has them, else from the
header cells' positions; rows come from horizontal rules when present, else from text
lines anchored by numbers and codes.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from dataclasses import dataclass, field
from dataclasses import field as dc_field
from decimal import Decimal
from functools import partial

from ..extract.document import Rule, Word
from ..extract.lines import cluster_lines, join_cell, join_words
from . import vocabulary
from .numbers import NotAnAmount, parse_amount
from .parents import candidate_runs, centring_error, parent_cells, sits_over, wraps_under
from .placement import Placement, settle_readings, sums_held
from .settings import SETTINGS

NUMBER = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$", re.ASCII)
CODE = re.compile(r"^\d{3,7}$")
_INDEX_TOKEN = vocabulary.LINE_NUMBER_TOKEN
_ENUMERATED = vocabulary.ENUMERATED_LABEL
_INDEX_WORD = vocabulary.LINE_NUMBER_LABEL
_FOOTER = vocabulary.PAGE_NUMBER
_META = vocabulary.TABLE_META
_NAME_LABEL = vocabulary.NAME_LABEL
_UNIT = vocabulary.MONEY_UNIT
_NEXT_TABLE_NO = vocabulary.TABLE_NUMBER
_NOTE = vocabulary.NOTE
_SENTENCE = vocabulary.SENTENCE


@dataclass
class Column:
    left: float
    right: float
    own: str = ""
    ctx: str = ""
    field: str | None = None
    label_mid: float | None = None  # centre of the header text, for open-ended edge columns
    parents: list[str] = dc_field(default_factory=list)  # spanning header cells above, outermost first

    @property
    def mid(self) -> float:
        if math.isinf(self.left) or math.isinf(self.right):
            return self.label_mid if self.label_mid is not None else (self.right if math.isinf(self.left) else self.left)
        return (self.left + self.right) / 2


@dataclass
class GridRow:
    cells: list[str]
    page: int
    top: float


@dataclass
class Segment:
    """The part of one table printed on one page."""

    page: int
    columns: list[Column] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    header_found: bool = False
    unit: str | None = None
    note: str = ""
    columns_from: str = ""
    rows_from: str = ""
    warnings: list[str] = field(default_factory=list)
    label_rows: int = 0  # label-only rows that open a page without a header (before its first amount)


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text.replace(" ", "")))


def line_text(line: list[Word]) -> str:
    return join_words(line)


def is_footer(line: list[Word], page_height: float) -> bool:
    return bool(_FOOTER.match(line_text(line))) and line[0].top > page_height * SETTINGS.footer_zone


def is_index_row(line: list[Word]) -> bool:
    """A column-number row under the header: `栏次 1 2 3 …`, `※ 1 2 3`, `** ** 1 2 3`, `1 2 3 …`."""
    tokens = [t for w in line for t in w.text.split()]
    spaced = " ".join(tokens)
    if _INDEX_WORD.search(spaced):
        return all(_INDEX_TOKEN.match(t) for t in _INDEX_WORD.sub(" ", spaced).split())
    digits = [t for t in tokens if t.isdigit()]
    if len(tokens) >= 2 and all(_INDEX_TOKEN.match(t) for t in tokens) and len(digits) < len(tokens):
        return True
    return (len(tokens) >= 3 and len(digits) == len(tokens) and all(int(t) <= 60 for t in tokens)
            and [int(t) for t in tokens] == list(range(int(tokens[0]), int(tokens[0]) + len(tokens))))


def is_line_number_column(column: Column) -> bool:
    """A 行次 column: the printed line number of each row."""
    return bool(_INDEX_WORD.fullmatch(column.own.replace(" ", "")))


def _is_year(line: list[Word], k: int) -> bool:
    """`2026` printed right before `年…` (a header such as `2026年预算数`), not an amount."""
    word = line[k]
    if not re.fullmatch(r"(19|20)\d\d", word.text):
        return False
    nxt = line[k + 1] if k + 1 < len(line) else None
    return nxt is not None and nxt.text.startswith("年") and nxt.x0 - word.x1 < 3


def is_body_line(line: list[Word], total_label: re.Pattern, label_end: float, lone_total: bool = True) -> bool:
    """A line that starts the table body: numbers, an enumerated label, or a total label alone
    in the label columns (a blank total row: `合计`, `合 计` as two words)."""
    if is_index_row(line):
        return False
    if any(is_number(w.text) and not _is_year(line, k) for k, w in enumerate(line)):
        return True
    if any(_ENUMERATED.match(w.text) for w in line):
        return True  # `一、…`, `22、其他支出`: enumerated labels are rows, on either side of a 收支 table
    if total_label.match("".join(w.text for w in line).replace(" ", "")):
        return lone_total and max(w.x1 for w in line) <= label_end  # "合计 因公出国费 …" is a header
    return False


def _header_cell_line(lines: list[list[Word]], li: int, total_label: re.Pattern) -> bool:
    """A lone total label (合计) that the next line of header text overlaps vertically: a header
    cell centred in a two-level header (Beijing's shaded 收入总表), not a blank total row."""
    line = lines[li]
    if len(line) != 1 or not total_label.match(line[0].text) or li + 1 >= len(lines):
        return False
    nxt = lines[li + 1]
    return not any(is_number(w.text) for w in nxt) and min(w.top for w in nxt) < line[0].bottom


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _clusters(words: list[Word], gap: float = 1.0) -> list[list[Word]]:
    out: list[list[Word]] = []
    right = -math.inf
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 <= right + gap:
            out[-1].append(w)
            right = max(right, w.x1)
        else:
            out.append([w])
            right = w.x1
    return out


def _spaced_labels(groups: list[list[Word]], body: list[Word]) -> list[list[Word]]:
    """A label printed with its characters spaced out (`项 目`, `金 额`) is one header cell: two
    lone characters side by side on one line, with the body's words running across the gap or
    forming a label printed that way (类 款 项 stay three columns)."""
    out: list[list[Word]] = []
    for g in groups:
        prev = out[-1] if out else None
        if (prev and len(prev) == 1 and len(g) == 1 and len(prev[0].text) == 1 == len(g[0].text)
                and abs(prev[0].top - g[0].top) < 2
                and g[0].x0 - prev[0].x1 < SETTINGS.spaced_label_gap * (g[0].x1 - g[0].x0)
                and (any(w.x0 < prev[0].x1 and w.x1 > g[0].x0 for w in body)
                     or prev[0].text + g[0].text in vocabulary.SPACED_LABELS)):
            prev.append(g[0])
        else:
            out.append(list(g))
    return out


def _dedupe(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def body_vertical_rules(rules: list[Rule], top: float, bottom: float) -> list[float]:
    """x of vertical rules that run through the body's vertical middle."""
    if bottom <= top:
        return []
    probe = (top + bottom) / 2
    xs = [r.x0 for r in rules if r.orientation == "v" and r.top <= probe <= r.bottom and r.bottom - r.top > 5]
    # grids drawn cell by cell: short segments at one x, joined, cover most of the body
    cover: dict[float, float] = {}
    for r in rules:
        if r.orientation == "v" and r.bottom - r.top > 5:
            key = next((x for x in cover if abs(x - r.x0) <= 1.0), r.x0)
            cover[key] = cover.get(key, 0.0) + max(0.0, min(r.bottom, bottom) - max(r.top, top))
    xs += [x for x, covered in cover.items() if covered >= SETTINGS.rule_cover * (bottom - top)]
    return _dedupe(xs)


def _gutter(a: float, b: float, body: list[Word]) -> float:
    """Where to cut between two header cells: the first run of x (from the left) crossed
    by the fewest body words. Numbers are right-aligned and text left-aligned, so the
    true gutter sits right after the left column's words."""
    if b <= a:
        return (a + b) / 2
    steps = max(int((b - a) / 0.5), 1)
    xs = [a + (b - a) * i / steps for i in range(steps + 1)]
    counts = [sum(1 for w in body if w.x0 < x < w.x1) for x in xs]
    low = min(counts)
    start = counts.index(low)
    end = start
    while end + 1 < len(xs) and counts[end + 1] == low:
        end += 1
    return (xs[start] + xs[end]) / 2


def _band_cuts(spans: list[tuple[float, float]], body: list[Word]) -> list[float]:
    """Cuts between header cells from the body's own columns: between two header cells, each
    run of body words belongs to the cell whose centre is nearer (centred headers over
    right-aligned amounts), or to the cell it runs into; the cut goes between the two."""
    groups = _clusters(list(body))
    bands = [(min(w.x0 for w in g), max(w.x1 for w in g)) for g in groups]
    amounts = [all(is_number(w.text) for w in g) for g in groups]
    cuts: list[float] = []
    for k in range(len(spans) - 1):
        lo, hi = spans[k][1], spans[k + 1][0]
        mid_l, mid_r = (spans[k][0] + lo) / 2, (hi + spans[k + 1][1]) / 2
        left: list[float] = []
        right: list[float] = []
        near = [n for n, (a, b) in enumerate(bands) if not (b <= lo - 0.5 or a >= hi + 0.5)]
        if any(not amounts[n] for n in near if lo - 0.5 <= bands[n][0] and bands[n][1] <= hi + 0.5):
            cuts.append(_gutter(lo, hi, list(body)))  # text between the labels: left-aligned, gutters know
            continue
        for a, b in (bands[n] for n in near):
            if a < lo - 0.5 and b > hi + 0.5:
                continue  # across both header cells
            if a < lo - 0.5 or (b <= hi + 0.5 and abs((a + b) / 2 - mid_l) <= abs((a + b) / 2 - mid_r)):
                left.append(b)
            else:
                right.append(a)
        if not left and not right:  # nothing printed between them: centred labels, equal halves
            cuts.append((mid_l + mid_r) / 2)
            continue
        end, start = max(left, default=lo), min(right, default=hi)
        cuts.append((end + start) / 2 if end < start else _gutter(lo, hi, list(body)))
    return cuts


def build_columns(
    header: list[Word], vrules_x: list[float], rules: list[Rule], body: list[Word] = (), cut: str = "gutter",
    match=None,  # callable(labels) -> fields: chooses the columns a rule-less parent spans
) -> list[Column]:
    """Leaf columns with their own labels and their parents' labels. Without rules, the cuts
    between header cells come from gutters next to the left cell's words (`cut="gutter"`) or
    from the body's own columns (`cut="bands"`), and a parent's columns from `parents.py`."""
    spanning = _spanning_words(header, vrules_x, rules, cut)
    cells: dict[int, list[int]] = {}  # parent word → the columns its ruled cell covers
    if len(vrules_x) >= 3:
        columns = [Column(a, b) for a, b in zip(vrules_x, vrules_x[1:], strict=False) if b - a > 3
                   and any(a <= w.xmid < b for w in [*header, *body])]  # not the gap of a double border
        # a header word whose ruled cell covers several columns is a parent of all of them
        for i, w in enumerate(header):
            lefts = [r.x0 for r in rules if r.orientation == "v" and r.top <= w.ymid <= r.bottom and r.x0 <= w.xmid]
            rights = [r.x0 for r in rules if r.orientation == "v" and r.top <= w.ymid <= r.bottom and r.x0 >= w.xmid]
            if lefts and rights:
                cell_l, cell_r = max(lefts), min(rights)
                covered = [c for c in columns if cell_l - 1 <= c.mid <= cell_r + 1]
                if len(covered) >= 2:
                    spanning.add(i)
                    cells[i] = [k for k, c in enumerate(columns) if cell_l - 1 <= c.mid <= cell_r + 1]
                elif i in spanning and len(covered) == 1:
                    spanning.discard(i)
    else:
        leaves = [w for i, w in enumerate(header) if i not in spanning]
        groups = _spaced_labels(_clusters(leaves), list(body))
        if not groups:
            return []
        spans = [(min(w.x0 for w in g), max(w.x1 for w in g)) for g in groups]
        columns = []
        cuts = (_band_cuts(spans, list(body)) if cut.startswith("bands")
                else [_gutter(spans[k][1], spans[k + 1][0], list(body)) for k in range(len(spans) - 1)])
        edges = [-math.inf, *cuts, math.inf]
        columns = [Column(edges[k], edges[k + 1], label_mid=(a + b) / 2) for k, (a, b) in enumerate(spans)]
        if match is not None and cut != "bands+stacked":  # that reading's upper words span what they overlap
            cells = _unruled_parent_cells(header, spanning, columns, groups, body, rules, match)
    _label_columns(columns, header, spanning, cells, rules)
    return columns


def _spanning_words(header: list[Word], vrules_x: list[float], rules: list[Rule], cut: str) -> set[int]:
    """The header words that are parents. A parent cell has several leaf cells under it, or
    (centred over cells whose labels sit lower, in unruled tables) nothing directly under it
    while it sits in the header's upper half: leaf labels are centred vertically in the header;
    the "bands+stacked" reading takes every upper word as a parent. Otherwise, without vertical
    rules, also a label a blank line (or a rule) above the nearest label under it, and the
    further lines of a parent's wrapped label (`一般公共预算基本支` / `出`)."""
    spanning: set[int] = set()
    unruled = len(vrules_x) < 3
    geometric = unruled and cut != "bands+stacked"
    header_mid = (min(w.top for w in header) + max(w.bottom for w in header)) / 2 if header else 0
    # bottom-up, so that a parent's own parent sees the leaf cells, not the parent between them
    for i in sorted(range(len(header)), key=lambda k: -header[k].top):
        w = header[i]
        below = [v for k, v in enumerate(header)
                 if k not in spanning and v.top >= w.bottom - 1 and _overlap(v.x0, v.x1, w.x0, w.x1) > 0.5]
        chain = _wrapped_lines(w, below) if geometric else [w]
        leaves = [v for v in below if not any(v is u for u in chain)]
        upper = w.bottom < header_mid and unruled
        if len(_clusters(leaves)) >= 2 or (upper and (not below or cut == "bands+stacked")) \
                or (geometric and leaves and sits_over(chain[-1], min(leaves, key=lambda v: v.top), rules)):
            spanning.add(i)
    if geometric:
        for i in sorted(range(len(header)), key=lambda k: header[k].top):  # top-down: labels over 3 lines
            if i not in spanning and any(wraps_under(header[i], header[p]) for p in spanning):
                spanning.add(i)
    return spanning


def _wrapped_lines(word: Word, below: list[Word]) -> list[Word]:
    """`word` and the further lines of its wrapped label (a chain of lines, each under the last)."""
    chain = [word]
    for u in sorted(below, key=lambda u: u.top):
        if wraps_under(u, chain[-1]):
            chain.append(u)
    return chain


def _label_columns(columns: list[Column], header: list[Word], spanning: set[int], cells: dict[int, list[int]],
                   rules: list[Rule]) -> None:
    """Each column's own label and its parents' labels (a parent's words over the columns of its
    cell, or over the columns its text overlaps)."""
    own: list[list[Word]] = [[] for _ in columns]
    ctx: list[list[Word]] = [[] for _ in columns]
    for i, w in enumerate(header):
        if i in spanning:
            for k, c in enumerate(columns):
                if k in cells.get(i, ()) or (i not in cells and _overlap(c.left, c.right, w.x0, w.x1) > 0.5):
                    ctx[k].append(w)
        else:
            k = column_at(columns, w.xmid)
            if k is not None:
                own[k].append(w)
    cell_of = {id(header[i]): tuple(ks) for i, ks in cells.items()}
    for k, c in enumerate(columns):
        c.own = join_cell(own[k])
        c.ctx = join_cell(ctx[k])
        c.parents = _parent_labels(ctx[k], cell_of, rules)


def _unruled_parent_cells(header, spanning, columns, groups, body, rules, match) -> dict[int, list[int]]:
    """The columns each rule-less parent cell spans, chosen among the runs geometry allows
    (`parents.py`): two parents on one line never share a column; then the most leaf labels
    mapped onto fields, the most columns under a parent, the best-centred parents. A parent no
    run fits keeps the columns its text overlaps."""
    order = sorted(spanning)
    cells = [[order[k] for k in cell] for cell in parent_cells([header[i] for i in order])]
    extents = []
    for k, g in enumerate(groups):
        inside = [w for w in body if column_at(columns, w.xmid) == k] + list(g)
        extents.append((min(w.x0 for w in inside), max(w.x1 for w in inside)))
    tops = [min(w.top for w in g) for g in groups]
    lines = [(min(header[i].top for i in cell), max(header[i].bottom for i in cell)) for cell in cells]
    frame = _frame(rules, header, extents)
    options = [candidate_runs([header[i] for i in cell], extents, tops, frame) or [None] for cell in cells]
    while math.prod(len(o) for o in options) > SETTINGS.parent_choices:  # keep the best-centred runs
        k = max(range(len(options)), key=lambda j: len(options[j]))
        worst = max(options[k], key=lambda run: centring_error([header[i] for i in cells[k]], extents, run, frame))
        options[k] = [run for run in options[k] if run != worst]
    if all(o == [None] for o in options):
        return {}
    best, best_key = {}, None
    for choice in itertools.product(*options):
        if _shared_column(choice, lines):
            continue
        spans = {i: list(range(run[0], run[1] + 1)) for cell, run in zip(cells, choice, strict=True)
                 if run is not None for i in cell}
        trial = [Column(c.left, c.right, label_mid=c.label_mid) for c in columns]
        _label_columns(trial, header, spanning, spans, rules)
        mapped = sum(1 for c in _fielded(trial, match) if c.field)
        covered = len({k for ks in spans.values() for k in ks})
        off = sum(centring_error([header[i] for i in cell], extents, run, frame)
                  for cell, run in zip(cells, choice, strict=True) if run is not None)
        key = (mapped, covered, -off)
        if best_key is None or key > best_key:
            best, best_key = spans, key
    return best


def _frame(rules: list[Rule], header: list[Word], extents: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The table's left and right edges where a horizontal rule over the header shows them."""
    top = min(w.top for w in header)
    above = [r for r in rules if r.orientation == "h" and r.top <= top
             and r.x0 <= extents[0][0] + 0.5 and r.x1 >= extents[-1][1] - 0.5]
    return (min(r.x0 for r in above), max(r.x1 for r in above)) if above else None


def _shared_column(choice, lines) -> bool:
    """Two parents printed on one line whose runs of columns overlap."""
    for a in range(len(choice)):
        for b in range(a + 1, len(choice)):
            ra, rb = choice[a], choice[b]
            if ra and rb and _overlap(*lines[a], *lines[b]) > 0 and ra[0] <= rb[1] and rb[0] <= ra[1]:
                return True
    return False


def _parent_labels(words: list[Word], cell_of: dict[int, tuple], rules: list[Rule]) -> list[str]:
    """One label per spanning cell, outermost first. The lines of one ruled cell (the same columns
    covered, no rule between them) are one wrapped label: 公务用车购置及 / 运行费."""
    labels: list[tuple[float, str]] = []
    by_cell: dict[tuple, list[list[Word]]] = {}
    for line in cluster_lines(words):
        key = cell_of.get(id(line[0]))
        if key is None or any(cell_of.get(id(w)) != key for w in line):
            labels.append((line[0].top, join_words(line)))
            continue
        runs = by_cell.setdefault(key, [])
        if runs and not _rule_between(rules, runs[-1][-1], line[0]):
            runs[-1].extend(line)
        else:
            runs.append(list(line))
    labels += [(min(w.top for w in run), join_cell(run)) for runs in by_cell.values() for run in runs]
    return [text for _, text in sorted(labels, key=lambda t: t[0])]


def _rule_between(rules: list[Rule], above: Word, below: Word) -> bool:
    """A horizontal rule under `above` and over `below` at the words' x."""
    x = below.xmid
    return any(r.orientation == "h" and above.ymid < r.top < below.ymid and r.x0 <= x <= r.x1 for r in rules)


def column_at(columns: list[Column], x: float) -> int | None:
    for k, c in enumerate(columns):
        if c.left <= x < c.right:
            return k
    return None


def h_rule_cover(rules: list[Rule], top: float, bottom: float, x0: float, x1: float) -> dict[float, float]:
    """For each horizontal rule height in [top, bottom], how much of [x0, x1] its segments cover.

    Grids drawn cell by cell have one short segment per cell; joined, they still span the row.
    """
    by_y: dict[float, list[tuple[float, float]]] = {}
    for r in rules:
        if r.orientation != "h" or not (top <= r.top <= bottom):
            continue
        key = next((y for y in by_y if abs(y - r.top) <= 1.0), r.top)
        by_y.setdefault(key, []).append((max(r.x0, x0), min(r.x1, x1)))
    cover: dict[float, float] = {}
    for y, spans in by_y.items():
        total, end = 0.0, -math.inf
        for a, b in sorted(spans):
            if b <= a:
                continue
            if a > end:
                total += b - a
                end = b
            elif b > end:
                total += b - end
                end = b
        cover[y] = total
    return cover


def group_rows(
    lines: list[list[Word]],
    rules: list[Rule],
    columns: list[Column],
    anchor_fields: set[str],
    every_line: bool,
) -> tuple[list[list[Word]], str]:
    """Cluster body words into printed rows; say how they were found."""
    if not lines:
        return [], ""
    top = min(w.top for line in lines for w in line)
    bottom = max(w.bottom for line in lines for w in line)
    x0 = max(columns[0].left, min(w.x0 for line in lines for w in line))
    x1 = min(columns[-1].right, max(w.x1 for line in lines for w in line))
    width = max(x1 - x0, 1)
    ys = _dedupe(
        [y for y, covered in h_rule_cover(rules, top - 3, bottom + 3, x0, x1).items() if covered >= SETTINGS.row_rule_cover * width]
    )
    inner = [y for y in ys if top + 1 < y < bottom - 1]
    if inner:
        bands: dict[int, list[Word]] = {}
        for line in lines:
            for w in line:
                bands.setdefault(bisect.bisect(ys, w.ymid), []).append(w)
        return [bands[k] for k in sorted(bands)], "horizontal rules"
    if every_line:
        return [list(line) for line in lines], "text lines"
    anchors: list[int] = []
    for i, line in enumerate(lines):
        if len(line) == 1 and re.fullmatch(r"\d{2}", line[0].text):
            continue  # a code's last two digits wrapped under it (`20801` / `01`): part of the row above
        for w in line:
            k = column_at(columns, w.xmid)
            if k is not None and columns[k].field in anchor_fields and w.text.strip():
                anchors.append(i)
                break
    if not anchors:
        return [list(line) for line in lines], "text lines"
    rows: dict[int, list[Word]] = {a: [] for a in anchors}
    mids = [sum(w.ymid for w in line) / len(line) for line in lines]
    for i, line in enumerate(lines):
        nearest = min(anchors, key=lambda a: (abs(mids[a] - mids[i]), a))
        rows[nearest].extend(line)
    return [rows[a] for a in anchors], "text lines joined to the nearest line with a code or amount"


def _glued_code_columns(words: list[Word], columns: list[Column]) -> dict[int, int]:
    """A 3-digit code printed a space before its label (`210 卫生健康支出`) sits in the label's
    cell, whichever column its own position falls in: {id(code word): the label's column}."""
    out: dict[int, int] = {}
    for w in words:
        if not re.fullmatch(r"\d{3}", w.text):
            continue
        gap = SETTINGS.code_glue_gap * (w.bottom - w.top)
        label = next((v for v in words if abs(v.top - w.top) < 1 and 0 <= v.x0 - w.x1 <= gap
                      and v.text[:1] and not v.text[:1].isdigit()), None)
        k = column_at(columns, label.xmid) if label else None
        if k is not None:
            out[id(w)] = k
    return out


def row_cells(words: list[Word], columns: list[Column]) -> list[str]:
    per: list[list[Word]] = [[] for _ in columns]
    glued = _glued_code_columns(words, columns)
    for w in words:
        k = glued.get(id(w), column_at(columns, w.xmid))
        if k is not None:
            per[k].append(w)
    return [join_cell(ws) for ws in per]


def region_lines(words: list[Word], top: float, bottom: float, page_height: float) -> list[list[Word]]:
    inside = [w for w in words if top <= w.ymid < bottom]
    lines = cluster_lines(inside)
    return [line for k, line in enumerate(lines)
            if not is_footer(line, page_height) or (k and _code_tail(line, lines[k - 1]))]


def _code_tail(line: list[Word], above: list[Word]) -> bool:
    """Two digits right under a code, flush with it: the code's wrapped end, no page number."""
    w, first = line[0], above[0]
    return (len(line) == 1 and bool(re.fullmatch(r"\d{2}", w.text)) and bool(re.fullmatch(r"\d{3}|\d{5}", first.text))
            and abs(w.x0 - first.x0) < 1 and w.top - first.bottom < 2 * (w.bottom - w.top))


def read_segment(
    page_number: int,
    lines: list[list[Word]],
    rules: list[Rule],
    total_label: re.Pattern,
    previous: list[Column] | None,
    match,  # callable(labels) -> fields
    anchor_fields: set[str],
    every_line: bool,
    lone_total: bool = True,
    row_sums=None,  # the template's row sums [(total, parts)]: they choose between column readings
    known: frozenset[str] | None = None,  # the table's header labels as first printed (a later page)
) -> Segment:
    """Split a region's lines into meta, header, body and note, then rebuild the grid.

    Without vertical rules the columns can be cut two ways (gutters next to the header's
    words, or the body's own columns); when the two readings differ, the template's
    identities choose, row by row, through the placement engine the text front end uses
    (`placement.settle_readings`); a cell no reading settles stays empty with a warning."""
    seg = Segment(page=page_number)
    header, body = _split_lines(lines, seg, total_label, lone_total, known)
    if body and header:
        header, body = _first_row_labels(header, body, rules)
    vx = _column_rules(rules, header, body)
    grid_rows = partial(_grid_rows, page_number, rules=rules, anchor_fields=anchor_fields, every_line=every_line)
    how, columns, found, rows, rows_from = _read_columns(header, body, vx, rules, previous, match, row_sums,
                                                         total_label, seg, grid_rows)
    label_rows = not found and previous and header and _label_lines(cluster_lines(header), body, previous)
    if label_rows or (previous and found and not any(c.field in anchor_fields - {"code"} for c in columns)):
        # a page going on with label-only lines (`使用非财政拨款结余 | 结余分配`, `其中：公务用车购置费`):
        # no header names an amount column there, so those lines are rows under the columns the
        # table started with
        seg.label_rows = len(cluster_lines(header)) if label_rows else 0
        body = sorted(cluster_lines(header) + body, key=lambda line: min(w.top for w in line))
        columns, found, how = previous, False, ""
        rows, rows_from = grid_rows(body=body, columns=columns)
    if not found and previous is None:
        return seg
    seg.columns, seg.header_found, seg.rows, seg.rows_from = columns, found, rows, rows_from
    seg.columns_from = how if found else ""
    return seg


def _split_lines(lines: list[list[Word]], seg: Segment, total_label: re.Pattern, lone_total: bool,
                 known: frozenset[str] | None) -> tuple[list[Word], list[list[Word]]]:
    """The header's words and the body's lines; meta lines skipped, the unit and the note kept on `seg`."""
    header: list[Word] = []
    body: list[list[Word]] = []
    state = "header"
    if lines:
        x0 = min(w.x0 for line in lines for w in line)
        x1 = max(w.x1 for line in lines for w in line)
        label_end = x0 + SETTINGS.total_zone * (x1 - x0)
    below = _amounts_below(lines)
    for li, line in enumerate(lines):
        text = line_text(line)
        if state == "body" and _NEXT_TABLE_NO.match(text):
            break  # the next table's number label ("公开10表", "表 3") ends this one
        if state != "note" and (_NOTE.match(text) or (state == "header" and header and _SENTENCE.search(text))):
            state = "note"  # 注：…, or a sentence under the header (`…为空表。`): an empty table's note
        if state == "note":
            seg.note += text.strip()
            continue
        if state == "header":
            m = _UNIT.search(text)
            if m:
                seg.unit = m.group(1)
            if _META.search(text) or (_NAME_LABEL.search(text) and not header):
                continue
            if is_index_row(line):
                continue
            # a 合计 alone with amounts printed below it is a header cell (centred over header rows);
            # with none below, the blank total row of an empty table
            if (is_body_line(line, total_label, label_end, lone_total and not below[li])
                    and not _header_cell_line(lines, li, total_label)) or (header and not repeats_header(line, known)):
                state = "body"
            else:
                header.extend(line)
                continue
        body.append(line)
    return header, body


def _first_row_labels(header: list[Word], body: list[list[Word]], rules: list[Rule]
                      ) -> tuple[list[Word], list[list[Word]]]:
    """Wrapped labels of the first row print above its numbers: lines under the header's bottom
    rule, or (no rules) closer to the first row than to the header line above, are body."""
    first_top = min(w.top for w in body[0])
    span_x0 = min(w.x0 for w in header + body[0])
    span_x1 = max(w.x1 for w in header + body[0])
    cover = h_rule_cover(rules, -math.inf, first_top + 0.5, span_x0, span_x1)
    hx = [y for y, covered in cover.items() if covered >= SETTINGS.header_rule_cover * (span_x1 - span_x0)]
    header_lines = cluster_lines(header)
    if hx:
        cut = max(hx)
        moved = [line for line in header_lines if min(w.top for w in line) > cut]
    else:
        moved = []
        for k in range(len(header_lines) - 1, 0, -1):
            line, above = header_lines[k], header_lines[k - 1]
            below_top = min(w.top for w in (moved[0] if moved else body[0]))
            gap_down = below_top - max(w.bottom for w in line)
            gap_up = min(w.top for w in line) - max(w.bottom for w in above)
            if gap_down < gap_up - SETTINGS.wrap_gap_margin:
                moved.insert(0, line)
            else:
                break
    if not moved:
        return header, body
    keep = {id(w) for line in moved for w in line}
    return [w for w in header if id(w) not in keep], moved + body


def _column_rules(rules: list[Rule], header: list[Word], body: list[list[Word]]) -> list[float]:
    """x of the vertical rules through the body (or, for an empty table, through the header's foot)."""
    if not body and header:
        header_bottom = max(w.bottom for w in header)
        return body_vertical_rules(rules, header_bottom - 4, header_bottom - 2)
    body_top = min((w.top for line in body for w in line), default=0)
    body_bottom = max((w.bottom for line in body for w in line), default=0)
    return body_vertical_rules(rules, body_top, body_bottom)


def _read_columns(header, body, vx, rules, previous, match, row_sums, total_label, seg: Segment, grid_rows):
    """The columns and rows of each possible reading of the header (vertical rules; else gutters,
    the body's own columns, upper cells spanning), and the one the identities choose:
    (how, columns, header found, rows, rows_from)."""
    body_words = [w for line in body for w in line]
    readings = [("vertical rules" if len(vx) >= 3 else "header positions and gutters between body words", "gutter")]
    if header and len(vx) < 3 and row_sums is not None:
        readings.append(("header positions and the body's own columns", "bands"))
        readings.append(("header positions (upper cells spanning) and the body's own columns", "bands+stacked"))
    candidates = []
    for how, cut in readings:
        columns = _fielded(build_columns(header, vx, rules, body_words, cut, match), match) if header else []
        found = any(c.field for c in columns)
        columns = columns if found else (previous or [])
        rows, rows_from = grid_rows(body=body, columns=columns)
        candidates.append((how, columns, found, rows, rows_from))
    if len(candidates) > 1 and any(_cells_of(c[3]) != _cells_of(candidates[0][3]) for c in candidates):
        return _choose_reading(candidates, row_sums, total_label, seg)
    return candidates[0]


def _label_lines(lines: list[list[Word]], body: list[list[Word]], columns: list[Column]) -> bool:
    """Lines printed before the first amount of a page without a header are label-only rows when
    they sit in a label column, starting where the labels of the rows under them start."""
    label_columns = [c for c in columns if c.field in _TEXT_FIELDS]
    starts = {round(min(w.x0 for w in line if c.left <= w.xmid < c.right))
              for line in body for c in label_columns if any(c.left <= w.xmid < c.right for w in line)}
    for line in lines:
        home = [c for c in label_columns if all(c.left <= w.xmid < c.right for w in line)]
        if not home or not any(abs(line[0].x0 - x) <= SETTINGS.label_align for x in starts):
            return False
    return bool(lines)


def header_labels(columns: list[Column]) -> frozenset[str]:
    """A header's printed labels (leaves and parents), spaces removed: the header repeated on a
    later page is told from the rows under it by them."""
    labels = {c.own for c in columns} | {p for c in columns for p in c.parents} | {c.ctx for c in columns}
    return frozenset(re.sub(r"\s", "", t) for t in labels if t.strip())


def repeats_header(line: list[Word], known: frozenset[str] | None) -> bool:
    """On a later page of a table, a line under the repeated header is header too when each of
    its words is part of a label of the table's first header; a label-only row (`其中：公务用车
    购置费`) is not. Without a known header every line may be header."""
    if known is None:
        return True
    return all(any(re.sub(r"\s", "", w.text) in label for label in known) for w in line)


def _amounts_below(lines: list[list[Word]]) -> list[bool]:
    """Per line: does a later line, above any note, print an amount?"""
    end = next((i for i, line in enumerate(lines) if _NOTE.match(line_text(line))), len(lines))
    out, seen = [False] * len(lines), False
    for i in range(len(lines) - 1, -1, -1):
        out[i] = seen
        seen = seen or (i < end and any(is_number(w.text) and not _is_year(lines[i], k)
                                        for k, w in enumerate(lines[i])))
    return out


_TEXT_FIELDS = ("code", "name", "item", "project_name")
PREFER = {0: 1, 1: 2, 2: 0}  # the frame on a tie: the body's own columns, then gutters, then spanning cells


def parse_number(cell: str) -> Decimal | None:
    """A printed amount, or None for a blank cell or one that is no amount."""
    try:
        return parse_amount(cell)
    except NotAnAmount:
        return None


def _placements(columns: list[Column], rows: list[GridRow]) -> list[Placement | None]:
    """Each row's amounts by field; None where a value cell holds no number (a misreading)."""
    out: list[Placement | None] = []
    for row in rows:
        placed: Placement | None = {}
        for col, cell in zip(columns, row.cells, strict=False):
            if not col.field or col.field in _TEXT_FIELDS or col.field.startswith("text_") or not cell.strip():
                continue
            try:
                value = parse_amount(cell)
            except NotAnAmount:
                placed = None
                break
            if value is not None:
                placed[col.field] = value
        out.append(placed)
    return out


def _labels(columns: list[Column], rows: list[GridRow]) -> list[str]:
    return ["".join(c for col, c in zip(columns, r.cells, strict=False)
                    if col.field in _TEXT_FIELDS).replace(" ", "") for r in rows]


def _choose_reading(candidates, rules, total_label: re.Pattern, seg: Segment):
    """Column readings that differ: the frame is the one keeping most row sums (geometry on a
    tie); where every reading finds the same rows, each row's amounts are settled by the
    placement engine, and a row it cannot settle keeps only the cells all its candidates share."""
    placed = [_placements(cand[1], cand[3]) for cand in candidates]
    scores = [sum(sums_held(p, rules) if p is not None else -1 for p in rows) for rows in placed]
    best = max(range(len(candidates)), key=lambda k: (scores[k], PREFER.get(k, 0)))
    how, columns, found, rows, rows_from = candidates[best]
    how += f"; the identities chose it over {len(candidates) - 1} other readings (scores {scores})"
    labels = [_labels(cand[1], cand[3]) for cand in candidates]
    if any(lab != labels[best] for lab in labels) or any(p is None for p in placed[best]):
        return how, columns, found, rows, rows_from
    readings = [rows_ for rows_ in placed if None not in rows_]
    codes = [re.sub(r"\D", "", lab) if re.match(r"^\d", lab) else "" if total_label.match(lab) else "-"
             for lab in labels[best]]
    fields = sorted({f for rows_ in readings for p in rows_ for f in p})
    settled = settle_readings(readings, codes, fields, rules)
    rows = [_rewrite(row, columns, text_row, readings, candidates, k, seg)
            for k, (row, text_row) in enumerate(zip(rows, settled, strict=True))]
    return how + "; amounts settled row by row by the row and hierarchy sums", columns, found, rows, rows_from


def _rewrite(row: GridRow, columns: list[Column], settled, readings, candidates, k: int, seg: Segment) -> GridRow:
    """The frame's row with the settled amounts (as printed) in their fields' cells."""
    printed: dict[tuple[str, Decimal], str] = {}
    for cand in candidates:
        for col, cell in zip(cand[1], cand[3][k].cells, strict=False):
            if col.field and cell.strip() and parse_number(cell) is not None:
                printed.setdefault((col.field, parse_number(cell)), cell)
    chosen = settled.chosen or {}
    if settled.ambiguous:
        options = " | ".join("、".join(f"{f}={v}" for f, v in o.items()) for o in settled.candidates[:4])
        seg.warnings.append(f"row {''.join(row.cells[:2]).strip() or k + 1}: the column readings disagree "
                            f"(candidates: {options}); the uncertain cells are left empty")
    cells = list(row.cells)
    for i, col in enumerate(columns):
        if col.field and col.field not in _TEXT_FIELDS and not col.field.startswith("text_") and i < len(cells):
            value = chosen.get(col.field)
            cells[i] = printed.get((col.field, value), "") if value is not None else ""
    return GridRow(cells, row.page, row.top)


def _cells_of(rows: list[GridRow]) -> list[list[str]]:
    return [r.cells for r in rows]


def _fielded(columns: list[Column], match) -> list[Column]:
    """Header cells mapped onto fields; 行次 / 栏次 columns (printed line numbers) get none."""
    kept = [c for c in columns if not is_line_number_column(c)]
    for c in columns:
        c.field = ""
    for c, f in zip(kept, match([(c.own, c.ctx) for c in kept]), strict=True):
        c.field = f
    return columns


def _grid_rows(page_number, body, rules, columns, anchor_fields, every_line) -> tuple[list[GridRow], str]:
    if not columns:
        return [], ""
    grouped, rows_from = group_rows(body, rules, columns, anchor_fields, every_line)
    rows = []
    for words in grouped:
        cells = row_cells(words, columns)
        if any(cells) and not is_index_row(sorted(words, key=lambda w: w.x0)):
            rows.append(GridRow(cells, page_number, min(w.top for w in words)))
    return rows, rows_from
