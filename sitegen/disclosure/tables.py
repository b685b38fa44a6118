"""Find the template's tables in a positioned Document and read them into the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..extract.document import Document
from ..extract.lines import cluster_lines, join_words
from ..package.schemas import BY_NAME
from . import template
from .grid import Column, GridRow, read_segment, region_lines
from .model import Row, Table, Warning_

_TABLE_NO_LINE = re.compile(r"^\s*表\s*([0-9]+|[一二三四五六七八九十]+)\s*$")
_HEADING = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
_BLANK = {"", "-", "—", "－", "--", "——", "/"}


@dataclass
class Title:
    page: int  # index into doc.pages
    top: float
    bottom: float
    resource: str
    text: str
    number: str


def find_titles(doc: Document) -> list[Title]:
    titles: list[Title] = []
    for pi, page in enumerate(doc.pages):
        lines = cluster_lines(page.words)
        for li, line in enumerate(lines):
            text = join_words(line)
            resource = template.title_resource(text)
            if resource is None:
                continue
            number = template.table_number(text)
            if not number and li > 0:
                prev = join_words(lines[li - 1])
                if _TABLE_NO_LINE.match(prev):
                    number = template.norm(prev)
            top = min(w.top for w in line)
            titles.append(Title(pi, top, max(w.bottom for w in line), resource, template.norm(text), number))
    return titles


def parse_money(text: str) -> Decimal | None:
    """A printed amount, exactly: separators dropped, digits kept; blank → None."""
    t = text.replace(",", "").replace("，", "").replace(" ", "").replace("−", "-")
    if t in _BLANK:
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        raise ValueError(text) from None


def _total_label() -> re.Pattern:
    return template.TOTAL_LABEL


def read_tables(doc: Document) -> tuple[dict[str, Table], list[Warning_]]:
    """Every recognised table of a positioned document, keyed by resource."""
    titles = find_titles(doc)
    tables: dict[str, Table] = {}
    warnings: list[Warning_] = []
    for ti, title in enumerate(titles):
        nxt = titles[ti + 1] if ti + 1 < len(titles) else None
        layout = template.LAYOUTS[title.resource]
        anchors = {"code"} | {name for name, _ in layout.value_columns}
        every_line = layout.kind != "classification"

        def match(labels, resource=title.resource):
            return template.match_columns(resource, labels)

        segments = []
        previous: list[Column] | None = None
        pi = title.page
        top = title.bottom + 0.5
        while pi < len(doc.pages):
            page = doc.pages[pi]
            bottom = nxt.top - 0.5 if nxt and nxt.page == pi else page.height + 1
            lines = region_lines(page.words, top, bottom, page.height)
            if pi != title.page:
                if not lines or _HEADING.match(join_words(lines[0])):
                    break
            seg = read_segment(
                page.number, lines, page.rules, _total_label(), previous, match, anchors, every_line
            )
            if pi != title.page and not seg.rows:
                break
            if pi != title.page and not seg.header_found and not _starts_like_row(seg.rows[0]):
                break
            segments.append(seg)
            previous = seg.columns or previous
            if nxt and nxt.page == pi:
                break
            pi += 1
            top = 0
            if nxt and nxt.page == pi:
                # the next title's page: only the lines above it can continue this table
                pass
        table = _to_table(title, segments, warnings)
        if title.resource in tables:
            warnings.append(
                Warning_(f"a second table titled {title.text!r}; kept the first", doc.pages[title.page].number, title.number)
            )
            continue
        tables[title.resource] = table
    return tables, warnings


def _starts_like_row(row: GridRow) -> bool:
    first = next((c for c in row.cells if c), "")
    return bool(re.match(r"^\d{3}", first)) or bool(template.TOTAL_LABEL.match(first))


def _to_table(title: Title, segments, warnings: list[Warning_]) -> Table:
    spec = BY_NAME[title.resource]
    layout = template.LAYOUTS[title.resource]
    table = Table(resource=title.resource, title=title.text, table_number=title.number)
    table.title = template._TITLE_PREFIX.sub("", title.text)
    if not segments:
        warnings.append(Warning_("table title found but no table under it", None, title.number or title.text))
        return table
    table.pages = sorted({s.page for s in segments})
    table.unit = next((s.unit for s in segments if s.unit), "万元")
    table.note = "".join(s.note for s in segments)
    header = next((s for s in segments if s.header_found), None)
    if header is None:
        warnings.append(Warning_("header not recognised", segments[0].page, table.title))
        return table
    table.columns = [c.field for c in header.columns if c.field]
    for c in header.columns:
        if c.field is None and (c.own or "").strip():
            warnings.append(Warning_(f"unknown column {c.own!r} ignored", header.page, table.title))
    rows: list[tuple[GridRow, list[Column]]] = [(r, s.columns) for s in segments for r in s.rows]
    valuefields = {f.name for f in spec.value_fields}
    convert = {"classification": _classification_rows, "two_sided": _two_sided_rows, "items": _item_rows}
    table.rows = convert[layout.kind](rows, valuefields, table, warnings)
    return table


def _values(row: GridRow, columns: list[Column], valuefields: set[str], table: Table, warnings) -> Row:
    out: Row = {}
    for cell, col in zip(row.cells, columns, strict=True):
        if col.field in valuefields:
            try:
                out[col.field] = parse_money(cell)
            except ValueError:
                warnings.append(Warning_(f"cell {cell!r} under {col.own!r} is not a number; left empty", row.page, table.title))
                out[col.field] = None
    return out


def _text(row: GridRow, columns: list[Column], name: str, sep: str = "") -> str:
    return sep.join(c for c, col in zip(row.cells, columns, strict=True) if col.field == name and c)


_GLUED = re.compile(r"^(\d{2,7})\s*(\D.*)$")


def _classification_rows(rows, valuefields, table: Table, warnings) -> list[Row]:
    out: list[Row] = []
    last_class = last_section = ""
    for row, columns in rows:
        code_cells = [c.replace(" ", "") for c, col in zip(row.cells, columns, strict=True) if col.field == "code"]
        name = _text(row, columns, "name")
        m = _GLUED.match(name)
        if m and not any(code_cells):
            code_cells = [m.group(1)]
            name = m.group(2)
        values = _values(row, columns, valuefields, table, warnings)
        project = _text(row, columns, "project_name")
        if not name and not any(code_cells) and all(v is None for v in values.values()):
            continue
        if len(code_cells) >= 2:
            parts = (code_cells + ["", "", ""])[:3]
            cls, sec, item = parts
            if not cls and (sec or item):
                cls = last_class
            if not sec and item:
                sec = last_section
        else:
            digits = re.sub(r"\D", "", code_cells[0]) if code_cells else ""
            cls, sec, item = digits[:3], digits[3:5], digits[5:7]
            if digits and len(digits) not in (3, 5, 7):
                warnings.append(Warning_(f"code {digits!r} has an unexpected length", row.page, table.title))
        code = cls + sec + item if cls else ""
        level = 0 if not code else (3 if item else 2 if sec else 1)
        if cls:
            last_class = cls
            last_section = sec
        rec: Row = {
            "code": code,
            "class_code": cls if code else "",
            "section_code": sec if code else "",
            "item_code": item if code else "",
            "level": level,
            "name": name,
        }
        if "project_name" in BY_NAME[table.resource].field_names:
            rec["project_name"] = project
        rec.update(values)
        rec["source_page"] = row.page
        out.append(rec)
    return out


_SIDE_CODE = re.compile(r"^(\d{3})\s*(\S.*)$")


def _two_sided_rows(rows, valuefields, table: Table, warnings) -> list[Row]:
    sides: dict[str, list[Row]] = {"income": [], "expenditure": []}
    for row, columns in rows:
        side_index = -1
        current: dict[int, tuple[str, Row]] = {}
        for cell, col in zip(row.cells, columns, strict=True):
            if col.field == "item":
                side_index += 1
                current[side_index] = (cell, {})
            elif col.field in valuefields and side_index >= 0:
                try:
                    current[side_index][1][col.field] = parse_money(cell)
                except ValueError:
                    warnings.append(Warning_(f"cell {cell!r} is not a number; left empty", row.page, table.title))
                    current[side_index][1][col.field] = None
        for index, (item, values) in current.items():
            side = "income" if index == 0 else "expenditure"
            if not item and all(v is None for v in values.values()):
                continue
            code = ""
            if side == "expenditure":
                m = _SIDE_CODE.match(item)
                if m:
                    code, item = m.group(1), m.group(2)
            rec: Row = {"side": side, "line": len(sides[side]) + 1, "code": code, "item": item}
            for name in BY_NAME[table.resource].value_fields:
                rec[name.name] = values.get(name.name)
            rec["source_page"] = row.page
            sides[side].append(rec)
    return sides["income"] + sides["expenditure"]


def _item_rows(rows, valuefields, table: Table, warnings) -> list[Row]:
    out: list[Row] = []
    for row, columns in rows:
        item = _text(row, columns, "item")
        values = _values(row, columns, valuefields, table, warnings)
        if not item and all(v is None for v in values.values()):
            continue
        rec: Row = {"item": item, **values, "source_page": row.page}
        out.append(rec)
    return out
