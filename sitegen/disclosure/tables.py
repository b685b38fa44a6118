"""Find the template's tables in a positioned Document and read them into the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..contract import BY_NAME
from ..extract.document import Document
from ..extract.lines import cluster_lines, join_words
from . import template
from .grid import Column, GridRow, read_segment, region_lines
from .model import Row, Table, Warning_
from .numbers import parse_amount
from .sideways import index_row, read_sideways

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
    t = template.strip_qualifier(template.norm(text))
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
        if earlier is not None and table.resource.startswith("extra_") and earlier.title != table.title \
                and "续" not in title.text:
            # another extra table under the same common name: number it, never drop it
            n = 2
            while f"{table.resource}_{n}" in tables:
                n += 1
            table.resource = f"{table.resource}_{n}"
            earlier = None
        if earlier is not None and earlier.pages and table.pages and (
            "续" in title.text or table.pages[0] == earlier.pages[-1] + 1
        ):
            # the title repeated on the next page ("…表（续）"): the same table goes on
            earlier.rows.extend(table.rows)
            earlier.pages = sorted(set(earlier.pages) | set(table.pages))
            continue
        if earlier is not None and not earlier.rows and table.rows:
            # the first was a contents-page line or an empty header: the printed table replaces it
            tables[table.resource] = table
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
        return read_sideways(table, header.columns, rows, warnings, parse_number_or_none)
    unknown = [k for k, c in enumerate(header.columns) if c.field is None and (c.own or "").strip()]
    if layout.kind != "extra":
        # printed columns the contract lacks: x_ fields (numbers, or printed empty), never dropped
        kept = [k for k in unknown if _holds_numbers(k, rows) or not _NAME_HEADER.search(template.norm(header.columns[k].own))]
        table.x_fields = _x_fields(segments, {_label(header.columns[k]) for k in kept})
        table.x_text = [name for name, title in table.x_fields
                        if _holds_text(name, rows) or re.search("编码|代码", title)]
        unknown = [k for k in unknown if k not in kept]
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
    valuefields = {f.name for f in spec.value_fields} | {name for name, _ in table.x_fields} - set(table.x_text)
    if title.resource == "final_general_basic_expenditure" and _two_lists(header.columns):
        table.x_fields = []
        table.columns = ["code", "name", "total", "personnel", "public"]
        table.rows = _side_by_side_lists(rows, table, warnings)
        return table
    convert = {"classification": _classification_rows, "two_sided": _two_sided_rows, "items": _item_rows}
    table.rows = convert[layout.kind](rows, valuefields, table, warnings)
    return table


_CODE_CELL = re.compile(r"^\d{2,7}$")
_NAME_HEADER = re.compile(r"科目|编码|代码|名称|分类|项目$")


def _label(column: Column) -> str:
    return (column.ctx + " " + column.own).strip() if column.ctx else column.own.strip()


def _holds_text(name: str, rows) -> bool:
    """An x_ column whose printed cells are mostly words (项目简介), not amounts."""
    cells = [c for r, cols in rows for c, col in zip(r.cells, cols, strict=True) if col.field == name and c.strip()]
    return bool(cells) and sum(parse_number_or_none(c) is None for c in cells) * 2 > len(cells)


def _holds_numbers(k: int, rows) -> bool:
    return any(k < len(r.cells) and parse_number_or_none(r.cells[k]) is not None for r, _ in rows)


def _x_fields(segments, labels: set[str]) -> list[tuple[str, str]]:
    """Name the columns with these printed labels x_<slug> on every segment; (name, label) in order."""
    taken: dict[str, str] = {}
    for seg in segments:
        seen: dict[str, int] = {}
        for col in seg.columns:
            if col.field is None and _label(col) in labels:
                label = template.norm(_label(col))
                seen[label] = seen.get(label, 0) + 1
                col.field = template.x_name(label if seen[label] == 1 else f"{label}#{seen[label]}", taken)
    return [(name, label.split("#")[0]) for label, name in taken.items()]


def _two_lists(columns: list[Column]) -> int:
    """Where a second code column starts after a value column (two lists printed side by side), else 0."""
    seen_value = False
    for k, col in enumerate(columns):
        if col.field not in ("code", "name", None):
            seen_value = True
        elif col.field == "code" and seen_value:
            return k
    return 0


def _side_by_side_lists(rows, table: Table, warnings: list[Warning_]) -> list[Row]:
    """决算 公开06: 人员经费 and 公用经费 printed as two lists side by side become rows, left list
    first; each amount is the row's `total` and its list's column (`personnel` or `public`)."""
    out: list[Row] = []
    for side in (0, 1):
        part_rows = []
        for row, columns in rows:
            cut = _two_lists(columns)
            if not cut:
                continue
            lo, hi = (0, cut) if side == 0 else (cut, len(columns))
            cols = [Column(c.left, c.right, c.own, c.ctx, c.field if c.field in ("code", "name") else "total",
                           c.label_mid, c.parents) for c in columns[lo:hi]]
            part_rows.append((GridRow(row.cells[lo:hi], row.page, row.top), cols))
        labels = "".join(c.ctx + c.own for c in (part_rows[0][1] if part_rows else []))
        column = "public" if "公用" in labels or (side == 1 and "人员" not in labels) else "personnel"
        for rec in _classification_rows(part_rows, {"total"}, table, warnings):
            rec[column] = rec.get("total")
            out.append(rec)
    return out


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
        if index_row(row):
            continue  # 栏次 1 2 3 … numbering the columns, not a row of the table
        code_cells = [c.replace(" ", "") for c, col in zip(row.cells, columns, strict=True) if col.field == "code"]
        name = _text(row, columns, "name")
        stray = "".join(c for c in code_cells if c and not c.isdigit())
        if stray and set(stray) <= set("类款项"):  # the 类/款/项 sub-header printed on the total row's line
            code_cells, stray = [c if c.isdigit() else "" for c in code_cells], ""
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
            if (col.field or "").startswith("text_") or col.field in table.x_text:
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
            for name in [f.name for f in BY_NAME[table.resource].value_fields] + [n for n, _ in table.x_fields]:
                rec[name] = values.get(name)
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
            if (col.field or "").startswith("text_") or col.field in table.x_text:
                rec[col.field] = cell
        out.append(rec)
    return out
