"""Performance target tables (部门/单位整体绩效目标表, 项目支出绩效目标表) from positioned pages.

One row per 三级指标; 一级/二级 cells span rows and are repeated on every row they cover.
A spanning cell's extent is read from the rules that cross its column (ruled and
rule-only layouts); without rules the last label above is carried down.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..extract.document import Document, Page, Rule, Word
from ..extract.lines import cluster_lines, join_cell, join_words
from .grid import body_vertical_rules, build_columns, column_at, region_lines
from .model import Row, Warning_
from .narrative import squeeze

_TITLE = re.compile(r"^(?:\d{4}年)?(部门|单位)?(整体|项目支出|项目)绩效目标(表|申报表)$")
_HEADING = re.compile(r"^\s*([（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")

FIELDS = (
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标",)),
    ("basis", ("依据",)),
    ("prior_value", ("上年完成", "上年实际")),
    ("weight", ("权重", "分值")),
    ("scoring_rule", ("赋分规则", "评分规则")),
    ("evidence", ("佐证",)),
    ("target", ("指标值", "目标值")),
)


def field_for(label: str) -> str | None:
    """The target-table field a header label names."""
    label = squeeze(label)
    for name, words in FIELDS:
        if any(w in label for w in words):
            return name
    return None


_OPS = (
    (re.compile(r"^(≥|>=|＞=|>＝|＞＝|大于等于|不低于|不少于)"), ">="),
    (re.compile(r"^(≤|<=|＜=|<＝|＜＝|小于等于|不高于|不超过|不多于)"), "<="),
    (re.compile(r"^(>|＞|大于|高于)"), ">"),
    (re.compile(r"^(<|＜|小于|低于)"), "<"),
    (re.compile(r"^(=|＝|等于)"), "="),
)
_LATEX = ((r"\geq", "≥"), (r"\leq", "≤"), (r"\%", "%"), ("$", ""), (r"\ge", "≥"), (r"\le", "≤"))


def normalise_target(text: str) -> str:
    """The printed target, with LaTeX fragments and extraction spaces inside the operator removed."""
    for a, b in _LATEX:
        text = text.replace(a, b)
    text = re.sub(r"([<>＜＞])\s+([=＝])", r"\1\2", text)
    return text.strip()


def parse_target(text: str) -> tuple[str, Decimal | None, str]:
    """'>=95%' → ('>=', 95, '%'); '≥ 107016 人' → ('>=', 107016, '人'); '有效提升' → ('', None, '')."""
    t = squeeze(normalise_target(text))
    for rx, op in _OPS:
        m = rx.match(t)
        if m:
            rest = t[m.end():]
            n = re.match(r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)(.*)$", rest)
            if n:
                try:
                    return op, Decimal(n.group(1).replace(",", "")), n.group(2).strip()
                except InvalidOperation:
                    pass
            return op, None, rest
    return "", None, ""


def _band(rules: list[Rule], y: float, x: float) -> tuple[float, float]:
    """The horizontal rules just above and below y that cross x."""
    ys = sorted({round(r.top, 1) for r in rules if r.orientation == "h" and r.x0 - 1 <= x <= r.x1 + 1})
    above = [v for v in ys if v <= y]
    below = [v for v in ys if v > y]
    return (above[-1] if above else -1e9, below[0] if below else 1e9)


def _project_name(page: Page, lines: list[list[Word]]) -> str:
    for line in lines:
        label = next((w for w in line if squeeze(w.text).startswith("项目名称")), None)
        if label is None:
            continue
        top, bottom = _band(page.rules, label.ymid, label.xmid) if page.rules else (label.top - 2, label.bottom + 2)
        if top < -1e8:
            top, bottom = label.top - 2, label.bottom + 2
        band = [w for w in page.words if top < w.ymid < bottom and w.x0 > label.x1 - 0.5]
        stop = min((w.x0 for w in band if squeeze(w.text).startswith("项目负责")), default=1e9)
        inline = squeeze(label.text)[len("项目名称"):]
        name = inline + join_cell([w for w in band if w.x1 <= stop + 0.5 and w is not label])
        return squeeze(name).lstrip(":：")
    return ""


def read_performance(doc: Document, warnings: list[Warning_]) -> list[Row]:
    """All performance target rows of a positioned document."""
    rows: list[Row] = []
    titles = []
    for pi, page in enumerate(doc.pages):
        for line in cluster_lines(page.words):
            text = squeeze(join_words(line))
            m = _TITLE.match(text)
            if m:
                scope = "project" if "项目" in (m.group(2) or "") else "unit"
                titles.append((pi, max(w.bottom for w in line), min(w.top for w in line), scope))
    for k, (pi, top, _, scope) in enumerate(titles):
        nxt = titles[k + 1] if k + 1 < len(titles) else None
        project = ""
        columns = None
        carried: dict[str, str] = {}
        page_index, region_top = pi, top
        while page_index < len(doc.pages):
            page = doc.pages[page_index]
            bottom = nxt[2] - 0.5 if nxt and nxt[0] == page_index else page.height + 1
            lines = region_lines(page.words, region_top, bottom, page.height)
            if page_index == pi and scope == "project":
                project = _project_name(page, lines)
            found, columns, stop = _read_page(page, lines, columns, scope, project, carried, rows)
            if not found and page_index != pi:
                break
            if stop or (nxt and nxt[0] == page_index):
                break
            page_index += 1
            region_top = 0
        if columns is None:
            warnings.append(Warning_("performance table header (一级指标 …) not found", doc.pages[pi].number,
                                     "项目支出绩效目标表" if scope == "project" else "整体绩效目标表"))
    return rows


def _header_columns(page: Page, lines, header_i: int) -> tuple[list, list]:
    """Columns from the 一级指标 … header line, and the lines below the header."""
    anchor = next(w for w in lines[header_i] if "一级" in w.text)
    top, bottom = _band(page.rules, anchor.ymid, anchor.xmid)
    if top < -1e8 or bottom > 1e8:
        top, bottom = anchor.top - 12, anchor.bottom + 12
    header = [w for line in lines for w in line if top < w.ymid < bottom]
    body_lines = [line for line in lines if min(w.top for w in line) >= bottom - 0.5]
    body_words = [w for line in body_lines for w in line]
    body_bottom = max((w.bottom for w in body_words), default=bottom)
    vx = body_vertical_rules(page.rules, bottom, body_bottom) if body_words else []
    columns = build_columns(header, vx, page.rules, body_words)
    for c in columns:
        c.field = field_for(c.own + c.ctx)
    return columns, body_lines


def _until_heading(lines) -> tuple[list, bool]:
    """The lines above the first narrative heading under the table, and whether one was met."""
    for i, line in enumerate(lines):
        if _HEADING.match(join_words(line)):
            return lines[:i], True
    return lines, False


def _row_bands(page: Page, words: list[Word], columns, l3_index: int) -> tuple[list, bool]:
    """Row bands: between rules crossing the 三级指标 column; else text lines holding a 三级指标.
    The flag says whether rules were used."""
    l3 = columns[l3_index]
    ys = sorted({round(r.top, 1) for r in page.rules if r.orientation == "h" and r.x0 - 1 <= l3.mid <= r.x1 + 1})
    top_y = min(w.top for w in words) - 1
    bottom_y = max(w.bottom for w in words) + 1
    inner = [y for y in ys if top_y < y < bottom_y]
    if inner:
        edges = [top_y] + inner + [bottom_y]
        return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if b - a > 2], True
    bands = [(min(w.top for w in line) - 0.5, max(w.bottom for w in line) + 0.5) for line in cluster_lines(words)
             if any(column_at(columns, w.xmid) == l3_index for w in line)]
    return bands, False


def _band_cells(words: list[Word], columns, a: float, b: float) -> dict[str, list[Word]]:
    cells: dict[str, list[Word]] = {}
    for w in words:
        if a <= w.ymid < b:
            k = column_at(columns, w.xmid)
            if k is not None and columns[k].field:
                cells.setdefault(columns[k].field, []).append(w)
    return cells


def _fill_spans(page: Page, words, columns, by_field, band, ruled: bool, row: dict, carried: dict) -> None:
    """一级/二级 cells span rows: their text is read from the ruled span, else carried down."""
    a, b = band
    for span_field in ("level1", "level2"):
        if span_field not in by_field:
            continue
        col = columns[by_field[span_field]]
        s_top, s_bottom = _band(page.rules, (a + b) / 2, col.mid) if ruled else (-1e9, 1e9)
        if ruled and s_top > -1e8:
            span_words = [w for w in words if s_top <= w.ymid < s_bottom
                          and column_at(columns, w.xmid) == by_field[span_field]]
            text = squeeze(join_cell(span_words))
            if text:
                carried[span_field] = text
            row[span_field] = text or carried.get(span_field, "")
        else:
            row[span_field] = row.get(span_field) or carried.get(span_field, "")
            carried[span_field] = row[span_field]


def _indicator_row(row: dict[str, str], scope: str, project: str, page_number: int) -> Row:
    target = normalise_target(row.get("target", ""))
    op, value, unit = parse_target(target)
    weight = row.get("weight", "")
    try:
        weight_value = Decimal(weight) if weight else None
    except InvalidOperation:
        weight_value = None
    return {
        "scope": scope,
        "project_name": project if scope == "project" else "",
        "level1": row.get("level1", ""),
        "level2": row.get("level2", ""),
        "level3": row.get("level3", ""),
        "target": target,
        "operator": op,
        "target_value": value,
        "target_unit": unit,
        "basis": row.get("basis", ""),
        "weight": weight_value,
        "prior_value": row.get("prior_value", ""),
        "scoring_rule": row.get("scoring_rule", ""),
        "evidence": row.get("evidence", ""),
        "source_page": page_number,
    }


def _read_page(page: Page, lines, columns, scope, project, carried, rows) -> tuple[bool, object, bool]:
    """Read the indicator rows of one page region; return (rows found, columns, table ended)."""
    header_i = next((i for i, line in enumerate(lines)
                     if "一级指标" in squeeze(join_words(line)) and "三级指标" in squeeze(join_words(line))), None)
    body_lines = lines
    if header_i is not None:
        columns, body_lines = _header_columns(page, lines, header_i)
    elif columns is None or not lines:
        return False, columns, False
    kept, stop = _until_heading(body_lines)
    words = [w for line in kept for w in line]
    if not words:
        return header_i is not None, columns, stop
    by_field = {c.field: k for k, c in enumerate(columns) if c.field}
    if "level3" not in by_field:
        return False, columns, stop
    bands, ruled = _row_bands(page, words, columns, by_field["level3"])
    found = False
    for band in bands:
        cells = _band_cells(words, columns, *band)
        if not cells.get("level3"):
            continue
        row: dict[str, str] = {name: squeeze(join_cell(ws)) for name, ws in cells.items()}
        _fill_spans(page, words, columns, by_field, band, ruled, row, carried)
        rows.append(_indicator_row(row, scope, project, page.number))
        found = True
    return found or header_i is not None, columns, stop
