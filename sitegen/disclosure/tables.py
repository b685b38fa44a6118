"""Find the template's tables in a positioned Document and read them into the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..extract.document import Document
from ..extract.lines import cluster_lines, join_words
from ..package.schemas import BY_NAME
from . import template
from .grid import Column, GridRow, read_segment, region_lines
from .model import Row, Table, Warning_
from .numbers import parse_amount

_TABLE_NO_LINE = re.compile(r"^\s*(公开)?\s*(表\s*([0-9]+|[一二三四五六七八九十]+)|[0-9]{1,2}\s*表)\s*$")
_TABLE_NO = re.compile(r"^(公开)?(表[0-9一二三四五六七八九十]+|[0-9]+表)$")
_HEADING = re.compile(r"^\s*第[一二三四五六七八九十]+部分")


@dataclass
class Title:
    page: int  # index into doc.pages
    top: float
    bottom: float
    resource: str
    text: str
    number: str


def _looks_like_title(text: str, height: float, median: float) -> bool:
    """A short line ending in 表, printed larger than the body text: a table title."""
    t = template.norm(text)
    t = re.sub(r"\([^()]*\)$", "", t)
    return (t.endswith("表") and 4 <= len(t) <= 40 and height >= 1.2 * median
            and not re.search(r"[。，,；]", t) and not template._NUMBERED.match(t)
            and not _HEADING.match(t) and "为空" not in t and not _TABLE_NO.match(t)
            and "绩效目标" not in t)  # performance target tables have their own reader


def find_titles(doc: Document) -> list[Title]:
    titles: list[Title] = []
    for pi, page in enumerate(doc.pages):
        lines = cluster_lines(page.words)
        heights = sorted(w.bottom - w.top for w in page.words)
        median = heights[len(heights) // 2] if heights else 0
        for li, line in enumerate(lines):
            text = join_words(line)
            resource = template.title_resource(text)
            if resource is None:
                height = max(w.bottom - w.top for w in line)
                if not _looks_like_title(text, height, median):
                    continue
                resource = template.extra_name(text)
            number = template.table_number(text)
            if not number and li > 0:
                prev = join_words(lines[li - 1])
                if _TABLE_NO_LINE.match(prev):
                    number = template.norm(prev)
            top = min(w.top for w in line)
            titles.append(Title(pi, top, max(w.bottom for w in line), resource, template.norm(text), number))
    return titles


def parse_money(text: str) -> Decimal | None:
    """A printed amount by the one number grammar (numbers.py); blank → None, else ValueError."""
    return parse_amount(text)


def read_tables(doc: Document) -> tuple[dict[str, Table], list[Warning_]]:
    """Every recognised table of a positioned document, keyed by resource."""
    titles = find_titles(doc)
    tables: dict[str, Table] = {}
    warnings: list[Warning_] = []
    for ti, title in enumerate(titles):
        nxt = titles[ti + 1] if ti + 1 < len(titles) else None
        segments = _read_segments(doc, title, nxt)
        if segments and not segments[0].header_found and not title.resource.startswith("extra_"):
            # the header names no column the contract knows: keep the table as printed
            title = Title(title.page, title.top, title.bottom, template.extra_name(title.text), title.text, title.number)
            warnings.append(Warning_("header has no contract column; published as an extra table",
                                     doc.pages[title.page].number, title.text))
            segments = _read_segments(doc, title, nxt)
        table = _to_table(title, segments, warnings)
        earlier = tables.get(table.resource)
        if earlier is not None and earlier.pages and table.pages and (
            "续" in title.text or table.pages[0] == earlier.pages[-1] + 1
        ):
            # the title repeated on the next page ("…表（续）"): the same table goes on
            earlier.rows.extend(table.rows)
            earlier.pages = sorted(set(earlier.pages) | set(table.pages))
            continue
        if earlier is not None:
            warnings.append(
                Warning_(f"a second table titled {title.text!r}; kept the first", doc.pages[title.page].number, title.number)
            )
            continue
        tables[table.resource] = table
    return tables, warnings


def _read_segments(doc: Document, title: Title, nxt: Title | None) -> list:
    """The table's part on its title page and on the pages it continues to."""
    layout = template.layout(title.resource)
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
        if pi != title.page and (not lines or _HEADING.match(join_words(lines[0]))):
            break
        seg = read_segment(
            page.number, lines, page.rules, template.TOTAL_LABEL, previous, match, anchors, every_line,
            lone_total=layout.kind != "items",
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
    return segments


def _starts_like_row(row: GridRow) -> bool:
    first = next((c for c in row.cells if c), "")
    return bool(re.match(r"^\d{3}", first)) or bool(template.TOTAL_LABEL.match(first))


def _to_table(title: Title, segments, warnings: list[Warning_]) -> Table:
    layout = template.layout(title.resource)
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
        warnings.append(Warning_("header not recognised; table left empty", segments[0].page, table.title))
        return table
    table.columns = [c.field for c in header.columns if c.field]
    rows: list[tuple[GridRow, list[Column]]] = [(r, s.columns) for s in segments for r in s.rows]
    if layout.kind == "items" and not any(c.field == "item" for c in header.columns):
        return _transposed(table, header.columns, rows, warnings)
    unknown = [k for k, c in enumerate(header.columns) if c.field is None and (c.own or "").strip()]
    lost = [header.columns[k].own for k in unknown
            if any(k < len(r.cells) and parse_number_or_none(r.cells[k]) is not None for r, _ in rows)]
    if layout.kind != "extra" and lost:
        # columns the contract has no field for hold numbers: keep every number as an extra_ table
        warnings.append(Warning_(f"columns {lost} have no contract field; published as an extra table",
                                 header.page, table.title))
        table.resource = template.extra_name(title.text)
        return _to_table(Title(title.page, title.top, title.bottom, table.resource, title.text, title.number),
                         segments_with_fields(segments), warnings)
    for k in unknown:
        warnings.append(Warning_(f"unknown column {header.columns[k].own!r} (empty) ignored", header.page, table.title))
    if layout.kind == "extra":
        _type_extra_columns(segments, rows)
        table.fields = [(c.field, (c.ctx + " " + c.own).strip() if c.ctx else c.own)
                        for c in header.columns if c.field and c.field.startswith(("value_", "text_"))]
        valuefields = {name for name, _ in table.fields if name.startswith("value_")}
        has_code = any(c.field == "code" for c in header.columns)
        table.classification = has_code
        table.rows = (_classification_rows if has_code else _item_rows)(rows, valuefields, table, warnings)
        return table
    spec = BY_NAME[title.resource]
    valuefields = {f.name for f in spec.value_fields}
    convert = {"classification": _classification_rows, "two_sided": _two_sided_rows, "items": _item_rows}
    table.rows = convert[layout.kind](rows, valuefields, table, warnings)
    return table


_CODE_CELL = re.compile(r"^\d{2,7}$")


def _type_extra_columns(segments, rows) -> None:
    """An extra table's columns are typed by what they hold: codes, text, or numbers."""
    columns = segments[0].columns
    for k, col in enumerate(columns):
        if not (col.field or "").startswith("value_"):
            continue
        cells = [r.cells[k].replace(" ", "") for r, _ in rows if k < len(r.cells) and r.cells[k].strip()]
        if not cells:
            continue
        numeric = sum(1 for c in cells if parse_number_or_none(c) is not None)
        if numeric / len(cells) >= 0.5:
            continue
        codes = sum(1 for c in cells if _CODE_CELL.match(c))
        col.field = "code" if codes / len(cells) >= 0.5 else "text_" + col.field.split("_")[1]
    texts = [c for c in columns if (c.field or "").startswith("text_")]
    if texts and not any(c.field in ("name", "item") for c in columns):
        texts[0].field = "name" if any(c.field == "code" for c in columns) else "item"
    for seg in segments[1:]:
        for c, first in zip(seg.columns, columns, strict=False):
            c.field = first.field


def _transposed(table: Table, columns: list[Column], rows, warnings: list[Warning_]) -> Table:
    """A table printed sideways (one value row, items as column headers), read as item rows."""
    data = [r for r, _ in rows if any(parse_number_or_none(c) is not None for c in r.cells if c)]
    if len(data) != 1:
        warnings.append(Warning_("no item column and not a single value row; table left empty",
                                 rows[0][0].page if rows else None, table.title))
        return table
    row = data[0]
    for cell, col in zip(row.cells, columns, strict=True):
        label = template.norm(col.own)
        if not label:
            continue
        if label in ("合计", "小计", "总计") and col.parents:
            label = f"{template.norm(col.parents[-1])}（{label}）"
        try:
            value = parse_money(cell)
        except ValueError:
            value = None
        table.rows.append({"item": label, "total": value, "source_page": row.page})
    table.columns = ["item", "total"]
    return table


def segments_with_fields(segments):
    """Re-match every segment's header cells as an extra table (all columns kept)."""
    out = []
    for seg in segments:
        columns = [Column(c.left, c.right, c.own, c.ctx, None, c.label_mid) for c in seg.columns]
        fields = template.match_columns("extra_", [(c.own, c.ctx) for c in columns])
        for c, f in zip(columns, fields, strict=True):
            c.field = f
        seg2 = type(seg)(seg.page, columns, seg.rows, seg.header_found, seg.unit, seg.note)
        out.append(seg2)
    return out


def parse_number_or_none(text: str):
    try:
        return parse_money(text)
    except ValueError:
        return None


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
    last_item: tuple[str, str, str] | None = None
    last_name = ""
    for row, columns in rows:
        code_cells = [c.replace(" ", "") for c, col in zip(row.cells, columns, strict=True) if col.field == "code"]
        name = _text(row, columns, "name")
        stray = "".join(c for c in code_cells if c and not c.isdigit())
        if stray:  # "合 计" printed across the code and name columns
            code_cells = [c if c.isdigit() else "" for c in code_cells]
            name = stray + name
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
            if any(len(p) == 1 for p in (sec, item)):
                warnings.append(Warning_(f"code part printed as one digit in {'/'.join(p for p in parts if p)}; "
                                         "read as two (e.g. 2 → 02)", row.page, table.title))
                sec, item = (p.zfill(2) if p else p for p in (sec, item))
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
        if not code and project and last_item:
            # a project row under the 项 printed just above it, its code not repeated
            cls, sec, item = last_item
            code = cls + sec + item
            name = name or last_name
        level = 0 if not code else (3 if item else 2 if sec else 1)
        last_item = (cls, sec, item) if code and item else (last_item if not code else None)
        last_name = name if code and item else last_name
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
        if table.resource in BY_NAME and "project_name" in BY_NAME[table.resource].field_names:
            rec["project_name"] = project
        rec.update(values)
        for cell, col in zip(row.cells, columns, strict=True):
            if (col.field or "").startswith("text_"):
                rec[col.field] = cell
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
        item = _text(row, columns, "item") or _text(row, columns, "name") or _text(row, columns, "project_name")
        values = _values(row, columns, valuefields, table, warnings)
        if not item and all(v is None for v in values.values()):
            continue
        rec: Row = {"item": item, **values, "source_page": row.page}
        for cell, col in zip(row.cells, columns, strict=True):
            if (col.field or "").startswith("text_"):
                rec[col.field] = cell
        out.append(rec)
    return out
