"""Find the template's tables in a positioned Document and read them into the model."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from ..contract import BY_NAME
from ..extract.document import Document
from ..extract.lines import cluster_lines, join_words
from . import side_lists, template, vocabulary
from .codes import LoneCodes
from .grid import Column, GridRow, header_labels, is_line_number_column, read_segment, region_lines
from .model import Reading, Row, Table, Warning_
from .numbers import BLANK, parse_amount
from .settings import SETTINGS
from .sideways import index_row, read_sideways
from .source_list import read_source_list

_TABLE_NO_LINE = vocabulary.TABLE_NUMBER
_HEADING = vocabulary.PART_HEADING


@dataclass
class Title:
    page: int  # index into doc.pages
    top: float
    bottom: float
    resource: str
    text: str
    number: str
    carry: tuple[str, str] = ("", "")  # 类/款 of the table it continues: 款/项 printed alone after a break
    before: list = dataclasses.field(default_factory=list)  # that table's rows: the sums of its open 款
    header: frozenset[str] | None = None  # that table's header labels: its repeat is told from rows by them


def _looks_like_title(text: str, height: float, median: float) -> bool:
    """A short line ending in 表, printed larger than the body text: a table title."""
    t = template.strip_qualifier(template.norm(text))
    return (t.endswith("表") and 4 <= len(t) <= 40 and height >= 1.2 * median
            and not re.search(r"[。，,；]", t) and not template._NUMBERED.match(t)
            and not _HEADING.match(t) and "为空" not in t and not _TABLE_NO_LINE.match(t)
            and "绩效目标" not in t)  # performance target tables have their own reader


def find_titles(doc: Document) -> list[Title]:
    """Every table title of the document, in reading order; contents entries left out."""
    found: list[tuple[Title, int, int]] = []  # with its first and last line in document order
    seen = 0
    contents_pages: set[int] = set()
    for pi, page in enumerate(doc.pages):
        lines = cluster_lines(page.words)
        heights = sorted(w.bottom - w.top for w in page.words)
        median = heights[len(heights) // 2] if heights else 0
        li = 0
        while li < len(lines):
            line = lines[li]
            text = join_words(line)
            if _CONTENTS.match(template.norm(text)):
                contents_pages.add(pi)
            title, used = _title_at(lines, li, text, median)
            if title is not None:
                title.page = pi
                found.append((title, seen + li, seen + li + used - 1))
            li += used
        seen += len(lines)
    listed = _contents_entries([(first, last) for _, first, last in found])
    return [t for k, (t, _, _) in enumerate(found) if k not in listed and t.page not in contents_pages]


_CONTENTS = vocabulary.CONTENTS


def _title_at(lines: list[list], li: int, text: str, median: float) -> tuple[Title | None, int]:
    """The title starting at line `li` (joined with its wrapped second line) and the lines it takes."""
    line = lines[li]
    resource = _title_resource(text, line, median)
    used = 1
    if li + 1 < len(lines):
        nxt = lines[li + 1]
        joined = text + join_words(nxt)
        gap = min(w.top for w in nxt) - max(w.bottom for w in line)
        height = max(w.bottom - w.top for w in line)
        wrapped = (gap < SETTINGS.title_wrap_gap * height and not _TABLE_NO_LINE.match(text)
                   and abs(max(w.bottom - w.top for w in nxt) - height) < 1)
        if wrapped and (resource is None or not template.norm(text).endswith("表")):
            joined_resource = _title_resource(joined, line + nxt, median)
            if joined_resource is not None:
                text, resource, line, used = joined, joined_resource, line + nxt, 2
    if resource is None:
        return None, 1
    number = template.table_number(text)
    if not number and li > 0:
        prev = join_words(lines[li - 1])
        if _TABLE_NO_LINE.match(prev):
            number = template.norm(prev)
    top, bottom = min(w.top for w in line), max(w.bottom for w in line)
    return Title(0, top, bottom, resource, template.norm(text), number), used


def _title_resource(text: str, line: list, median: float) -> str | None:
    resource = template.title_resource(text)
    if resource is None:
        height = max(w.bottom - w.top for w in line)
        if not _looks_like_title(text, height, median):
            return None
        resource = template.extra_name(text)
    return resource


def _contents_entries(positions: list[tuple[int, int]]) -> set[int]:
    """Indexes of titles printed in a run one right under the other: a list of contents."""
    listed: set[int] = set()
    start = 0
    for k in range(1, len(positions) + 1):
        if k == len(positions) or positions[k][0] != positions[k - 1][1] + 1:
            if k - start >= SETTINGS.contents_run:
                listed.update(range(start, k))
            start = k
    return listed


def parse_money(text: str) -> Decimal | None:
    """A printed amount by the one number grammar (numbers.py); blank → None, else ValueError."""
    return parse_amount(text)


def read_tables(doc: Document) -> tuple[dict[str, Table], list[Warning_]]:
    """Every recognised table of a positioned document, keyed by resource."""
    titles = find_titles(doc)
    tables: dict[str, Table] = {}
    warnings: list[Warning_] = []
    header: frozenset[str] | None = None  # the last table's header labels
    for ti, title in enumerate(titles):
        nxt = titles[ti + 1] if ti + 1 < len(titles) else None
        last = tables[next(reversed(tables))] if tables else None
        if last is not None and _stem(template._TITLE_PREFIX.sub("", title.text)) == _stem(last.title):
            title.carry, title.before, title.header = _last_codes(last), last.rows, header
        segments = _read_segments(doc, title, nxt)
        header = next((header_labels(s.columns) for s in segments if s.header_found), None)
        listed = _source_list(doc, title, nxt, warnings) if title.resource == "income_summary" else None
        if listed is None and segments and not segments[0].header_found and not title.resource.startswith("extra_"):
            # the header names no column the contract knows: keep the table as printed
            title = dataclasses.replace(title, resource=template.extra_name(title.text))
            warnings.append(Warning_("header has no contract column; published as an extra table",
                                     doc.pages[title.page].number, title.text))
            segments = _read_segments(doc, title, nxt)
        table = listed or _to_table(title, segments, warnings)
        if _form_page(table):
            warnings.append(Warning_(f"a cover or form page ({', '.join(table.reading.header)}), not a table",
                                     table.pages[0] if table.pages else None, title.text))
            continue
        last = tables[next(reversed(tables))] if tables else None
        if last is not None and _continues(last, table):
            # the title repeated on the next page ("…表（续）"): the same table goes on
            _append(last, table)
            continue
        earlier = tables.get(table.resource)
        if earlier is not None and earlier.title == table.title and earlier.rows == _without_pages(table.rows, earlier):
            warnings.append(Warning_(f"table {title.text!r} printed twice; kept the first",
                                     doc.pages[title.page].number, title.number))
            continue
        if earlier is not None and not earlier.rows and table.rows:
            # the first was a contents-page line or an empty header: the printed table replaces it
            tables[table.resource] = table
            continue
        if earlier is not None:
            # another table whose title means the same resource (按功能分类 / 按经济分类): kept apart
            table.resource = _free_name(template.extra_name(title.text), tables)
            warnings.append(Warning_(f"a second table for {earlier.resource}; published as {table.resource}",
                                     doc.pages[title.page].number, title.text))
        tables[table.resource] = table
    for name in side_lists.split(tables, _free_name):
        warnings.append(Warning_(f"a further expenditure list printed beside the first; published as {name}",
                                 tables[name].pages[0], tables[name].title))
    return tables, warnings


def _form_page(table: Table) -> bool:
    """A title over `名称：值` lines and no rows (the cover of the tables part: 部门名称：…,
    保密审查情况：已审查): a table with no row whose every header label is a key with its value."""
    if not table.resource.startswith("extra_") or table.rows or not table.fields or table.reading is None:
        return False
    return all(re.search(r"\S[：:]\S", printed) for _, printed in table.fields)


def _source_list(doc: Document, title: Title, nxt: Title | None, warnings: list[Warning_]) -> Table | None:
    """An income table printed as a list of sources (项目名称 | 金额), read as one row; else None."""
    page = doc.pages[title.page]
    bottom = nxt.top - 0.5 if nxt and nxt.page == title.page else page.height + 1
    table = Table(resource=title.resource, title=template._TITLE_PREFIX.sub("", title.text), table_number=title.number)
    return read_source_list(page, title.bottom + 0.5, bottom, table, parse_number_or_none, warnings)


def _last_codes(table: Table) -> tuple[str, str]:
    """The 类 and 款 in force at the end of a table (for its continuation after a break)."""
    coded = [r for r in table.rows if r.get("code")]
    if not coded:
        return "", ""
    return str(coded[-1].get("class_code") or ""), str(coded[-1].get("section_code") or "")


def _stem(title: str) -> str:
    return re.sub(r"[(（]?续[)）]?$", "", template.norm(title))


def _continues(earlier: Table, table: Table) -> bool:
    """The same table going on: its title repeated (or marked 续) on the next page."""
    if earlier.resource != table.resource and not earlier.resource.startswith("extra_"):
        return False
    if not (earlier.pages and table.pages) or table.pages[0] != earlier.pages[-1] + 1:
        return "续" in table.title and _stem(table.title) == _stem(earlier.title)
    same_number = not earlier.table_number or not table.table_number or earlier.table_number == table.table_number
    return same_number and _stem(table.title) == _stem(earlier.title)


def _append(earlier: Table, table: Table) -> None:
    earlier.rows.extend(table.rows)
    earlier.pages = sorted(set(earlier.pages) | set(table.pages))
    if template.layout(earlier.resource).kind == "two_sided":
        rows = [r for side in ("income", "expenditure") for r in earlier.rows if r.get("side") == side]
        for side in ("income", "expenditure"):
            for line, row in enumerate((r for r in rows if r["side"] == side), start=1):
                row["line"] = line
        earlier.rows = rows
    if earlier.resource == "final_general_basic_expenditure" and all(
            ("personnel" in r) != ("public" in r) for r in earlier.rows):
        # side-by-side 人员经费 | 公用经费 lists over several pages: the left list first, as on one page
        earlier.rows = [r for r in earlier.rows if "personnel" in r] + [r for r in earlier.rows if "public" in r]


def _without_pages(rows: list[Row], earlier: Table) -> list[Row]:
    pages = {r.get("source_page") for r in earlier.rows}
    return [{**r, "source_page": next(iter(pages), None)} for r in rows] if len(pages) == 1 else rows


def _free_name(name: str, taken: dict) -> str:
    k, out = 2, name
    while out in taken:
        out, k = f"{name}_{k}", k + 1
    return out


def _read_segments(doc: Document, title: Title, nxt: Title | None) -> list:
    """The table's part on its title page and on the pages it continues to."""
    layout = template.layout(title.resource)
    anchors = {"code"} | {name for name, _ in layout.value_columns}
    every_line = layout.kind != "classification"

    def match(labels, resource=title.resource):
        return template.match_columns(resource, labels)

    segments = []
    previous: list[Column] | None = None
    known = title.header  # the header as first printed, where this title repeats an earlier table's
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
            lone_total=layout.kind != "items", row_sums=template.ROW_SUMS.get(title.resource, []), known=known,
        )
        if pi != title.page and not seg.rows:
            break
        if pi != title.page and not seg.header_found and not _goes_on(seg.rows[seg.label_rows:] or seg.rows, seg.columns):
            break
        if pi != title.page and seg.header_found and previous and not _same_header(seg.columns, previous):
            break  # another table's header (a table printed without a title we know)
        segments.append(seg)
        previous = seg.columns or previous
        if seg.header_found and known is None:
            known = header_labels(seg.columns)
        if (nxt and nxt.page == pi) or seg.note:
            break  # a note closes the table: an empty table ends where it ends
        pi += 1
        top = 0
    return segments


def _numbers_are_no_labels(segments) -> None:
    """A two-sided table's column whose cells are amounts is no side's label column, whatever
    its header says (`人员经费` under 基本支出 next to 合计)."""
    for seg in segments:
        for k, col in enumerate(seg.columns):
            if col.field != "item":
                continue
            cells = [r.cells[k] for r in seg.rows if k < len(r.cells) and r.cells[k].strip()]
            numeric = sum(1 for c in cells if parse_number_or_none(c) is not None)
            if cells and numeric >= SETTINGS.numeric_share * len(cells):
                col.field = None


def _same_header(columns: list[Column], previous: list[Column]) -> bool:
    """A repeated header: the fields it names are the ones the table started with."""
    return {c.field for c in columns if c.field} <= {c.field for c in previous if c.field} | {"code", "name", "item"}


def _starts_like_row(row: GridRow, columns: list[Column] = ()) -> bool:
    """A continuation page's first line is a row of the table above it: it starts with a code
    or a total; on a two-sided table (收/支 side by side) a side's label is one too."""
    first = next((c for c in row.cells if c), "")
    # a code (`208`, `2080501`, `208 05 01`, `[2080501]…`), or 款/项 printed alone (`05`, `01`);
    # on a two-sided table also a numbered line (`十四、资源勘探工业信息等支出`, 决算 公开04 p.2)
    if re.match(r"^[\[【［〔]?\d{2}", first) or template.TOTAL_LABEL.match(first):
        return True
    sides = [c for c, col in zip(row.cells, columns, strict=False) if col.field == "item" and c]
    if len(sides) == 1 and sum(1 for col in columns if col.field == "item") == 1:
        # an items table (三公): a label with amounts in the value columns, and nothing else there
        values = [c for c, col in zip(row.cells, columns, strict=False)
                  if col.field and col.field not in ("item", "code", "name") and c.strip()]
        return bool(values) and all(parse_number_or_none(c) is not None or c.strip() in BLANK for c in values)
    if sum(1 for col in columns if col.field == "item") < 2:
        return False
    return any(_SIDE_CODE.match(c) or vocabulary.ENUMERATED_LABEL.match(template.norm(c)) or template.TOTAL_LABEL.match(c)
               for c in sides)


def _goes_on(rows: list[GridRow], columns: list[Column] = ()) -> bool:
    """A page with no header continues the table when it starts like a row, or when its lines, in the
    table's columns, hold amounts and start with a numbered label (`十四、资源勘探工业信息等支出`) or
    end with a total (`总计`): a two-sided table going on with its last lines."""
    if _starts_like_row(rows[0], columns):
        return True
    cells = [template.norm(c) for r in rows for c in r.cells if c.strip()]
    if not any(parse_number_or_none(c) is not None for c in cells):
        return False
    first = next((c for c in rows[0].cells if c), "")
    return bool(vocabulary.ENUMERATED_LABEL.match(first)) or any(template.TOTAL_LABEL.match(c) for c in cells)


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
    warnings.extend(Warning_(w, s.page, table.title) for s in segments for w in s.warnings)
    header = next((s for s in segments if s.header_found), None)
    if header is None:
        warnings.append(Warning_("header not recognised; table left empty", segments[0].page, table.title))
        return table
    if layout.kind == "two_sided":
        _numbers_are_no_labels(segments)
    other_classification = _one_classification(segments, title.resource)
    table.columns = [c.field for c in header.columns if c.field]
    table.reading = Reading(
        columns="; ".join(dict.fromkeys(s.columns_from for s in segments if s.columns_from)),
        rows="; ".join(dict.fromkeys(s.rows_from for s in segments if s.rows_from)),
        header=[f"{(c.ctx + ' ' + c.own).strip()} → {c.field or '-'}" for c in header.columns],
    )
    rows: list[tuple[GridRow, list[Column]]] = [(r, s.columns) for s in segments for r in s.rows]
    if layout.kind == "items" and not any(c.field == "item" for c in header.columns):
        return read_sideways(table, header.columns, rows, warnings, parse_number_or_none)
    unknown = [k for k, c in enumerate(header.columns) if c.field is None and (c.own or "").strip()]
    if layout.kind != "extra":
        unknown = _keep_x_columns(table, segments, header, rows, unknown, other_classification, layout.kind)
    for k in unknown:
        warnings.append(Warning_(f"unknown column {header.columns[k].own!r} (empty) ignored", header.page, table.title))
    if layout.kind == "extra":
        return _extra_table(table, title, segments, header, rows, warnings)
    spec = BY_NAME[title.resource]
    valuefields = {f.name for f in spec.value_fields} | {name for name, _ in table.x_fields} - set(table.x_text)
    if title.resource == "final_general_basic_expenditure" and _two_lists(header.columns):
        table.x_fields = []
        table.columns = ["code", "name", "total", "personnel", "public"]
        table.rows = _side_by_side_lists(rows, table, warnings)
        return table
    convert = {"classification": partial(_classification_rows, carry=title.carry, before=title.before),
               "two_sided": _two_sided_rows,
               "items": _item_rows}
    table.rows = convert[layout.kind](rows, valuefields, table, warnings)
    return table


def _keep_x_columns(table: Table, segments, header, rows, unknown: list[int], other_classification: set[str],
                    kind: str) -> list[int]:
    """Printed columns the contract lacks become x_ fields (numbers, or printed empty), never dropped;
    returns the unknown columns left (empty name-like columns, ignored with a warning)."""
    second = kind == "classification"  # a second classification's code/name columns: kept
    kept = [k for k in unknown if _holds_numbers(k, rows) or _label(header.columns[k]) in other_classification
            or (second and template.classification_kind(header.columns[k].own))
            or not _NAME_HEADER.search(template.norm(header.columns[k].own))]
    table.x_fields = _x_fields(segments, {_label(header.columns[k]) for k in kept})
    table.x_text = [name for name, title in table.x_fields
                    if _holds_text(name, rows) or re.search("编码|代码", title)]
    return [k for k in unknown if k not in kept]


def _extra_table(table: Table, title: Title, segments, header, rows, warnings: list[Warning_]) -> Table:
    """A table the contract has no resource for, read as printed: its columns typed by what they
    hold, its rows as classification, two-sided or item rows."""
    _type_extra_columns(segments, rows)
    table.columns = [c.field for c in header.columns if c.field]
    table.fields = [(c.field, (c.ctx + " " + c.own).strip() if c.ctx else c.own)
                    for c in header.columns if c.field and c.field.startswith(("value_", "text_"))]
    valuefields = {name for name, _ in table.fields if name.startswith("value_")}
    has_code = any(c.field == "code" for c in header.columns)
    has_code = has_code or _bracketed_codes(rows)
    table.classification = has_code
    table.two_sided = not has_code and sum(1 for c in header.columns if c.field == "item") >= 2
    read = (partial(_classification_rows, carry=title.carry, before=title.before) if has_code
            else _two_sided_rows if table.two_sided else _item_rows)
    table.rows = read(rows, valuefields, table, warnings)
    return table


_LEAD_DIGIT = {"functional": "2", "economic": "3"}  # 支出功能分类 2xx; 部门预算支出经济分类 3xx (政府预算 5xx)


def _one_classification(segments, resource: str) -> set[str]:
    """Two classifications printed side by side (政府支出经济分类科目 `50101-工资奖金津补贴` next to
    部门支出经济分类科目 `30101-基本工资`, or 部门/政府经济科目编码 as two code columns): the one whose
    codes are the contract's classification (2xx functional, 3xx economic) is `code`/`name`; the
    other is kept as printed, an x_ text column. 类/款/项 printed in separate columns (3 + 2 + 2
    digits), and two lists side by side with the same codes, are one classification. Returns the printed labels of the columns set aside."""
    lead = _LEAD_DIGIT.get(getattr(BY_NAME.get(resource), "classification", None) or "")
    header = next((s for s in segments if s.header_found), None)
    if not lead or header is None:
        return set()

    def cells(k: int) -> list[str]:
        return [r.cells[k].strip() for s in segments for r in s.rows if k < len(r.cells) and r.cells[k].strip()]

    def code_of(cell: str) -> str:
        m = _GLUED.match(cell) or _BRACKETED.match(cell)
        return m.group(1) if m else re.sub(r"\s", "", cell) if cell.replace(" ", "").isdigit() else ""

    def share(k: int) -> int:
        return sum(1 for c in cells(k) if code_of(c)[:1] == lead)

    aside: set[int] = set()
    for field in ("code", "name"):
        found = [k for k, c in enumerate(header.columns) if c.field == field]
        whole = [k for k in found if cells(k) and all(len(code_of(c)) >= 3 for c in cells(k) if code_of(c))]
        if len(found) < 2 or (field == "code" and len(whole) < len(found)):
            continue
        keep = max(found, key=share)  # two lists side by side (人员经费 | 公用经费) share one classification
        aside |= {k for k in found if k != keep and share(k) * 2 < sum(1 for c in cells(k) if code_of(c))}
        # the name printed right of a code set aside belongs to that classification
        aside |= {k + 1 for k in found if field == "code" and k in aside and k + 1 < len(header.columns)
                  and header.columns[k + 1].field == "name"}
    labels = {_label(header.columns[k]) for k in aside}
    for seg in segments:
        for col in seg.columns:
            if col.field in ("name", "code") and _label(col) in labels:
                col.field = None
    return labels


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
    _codes_that_are_no_classification(columns, rows)
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


def _codes_that_are_no_classification(columns: list[Column], rows) -> None:
    """A 编码 column holding unit codes (`201001`), not 类/款/项 codes (3, 5 or 7 digits), is text."""
    numbers = [int(c.field.split("_")[1]) for c in columns if (c.field or "").startswith(("value_", "text_"))]
    for k, col in enumerate(columns):
        if col.field != "code" or sum(1 for c in columns if c.field == "code") > 1:
            continue
        cells = [re.sub(r"\D", "", r.cells[k]) for r, _ in rows if k < len(r.cells) and r.cells[k].strip()]
        shaped = sum(1 for c in cells if len(c) in (3, 5, 7))
        if cells and shaped < SETTINGS.numeric_share * len(cells):
            numbers.append(max(numbers, default=0) + 1)
            col.field = f"text_{numbers[-1]}"


def segments_with_fields(segments):
    """Re-match every segment's header cells as an extra table (all columns kept)."""
    out = []
    for seg in segments:
        columns = [Column(c.left, c.right, c.own, c.ctx, "", c.label_mid) for c in seg.columns]
        kept = [c for c in columns if not is_line_number_column(c)]
        fields = template.match_columns("extra_", [(c.own, c.ctx) for c in kept])
        for c, f in zip(kept, fields, strict=True):
            c.field = f
        out.append(dataclasses.replace(seg, columns=columns))
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


_GLUED = vocabulary.GLUED_CODE
_BRACKETED = vocabulary.BRACKETED_CODE


def _bracketed_codes(rows) -> bool:
    """Names printed as `[201]一般公共服务支出`: the codes are in the name column."""
    names = [c for r, columns in rows for c, col in zip(r.cells, columns, strict=True)
             if col.field in ("name", "item") and c]
    return bool(names) and sum(1 for c in names if _BRACKETED.match(c)) >= len(names) / 2


def _split_code(name: str, code_cells: list[str]) -> tuple[list[str], str]:
    """A code printed inside the name cell (`201 一般…`, `[201]一般…`) moves to the code."""
    m = _BRACKETED.match(name) or (None if any(code_cells) else _GLUED.match(name))
    if m and not any(code_cells):
        return [m.group(1)], m.group(2).strip()
    return code_cells, name


def _code_digits(cell: str) -> str:
    """A code cell without its spaces, and without the dots or dashes joining its parts (`208.05.01`)."""
    cell = cell.replace(" ", "")
    return re.sub(r"\D", "", cell) if vocabulary.SEPARATED_CODE.match(cell) else cell


def _warn(warnings: list[Warning_], page: int, title: str, message: str) -> None:
    warnings.append(Warning_(message, page, title))


def _code_parts(code_cells: list[str], last: tuple[str, str], lone: LoneCodes, total, warn) -> tuple[str, str, str]:
    """类, 款, 项 of a row from its code cells: separate 类/款/项 columns (empty ones carried from
    the rows above), or one cell (7 digits, or 款/项 alone completed by `LoneCodes`)."""
    last_class, last_section = last
    if len(code_cells) >= 2:
        parts = (code_cells + ["", "", ""])[:3]
        cls, sec, item = parts
        if any(len(p) == 1 for p in (sec, item)):
            warn(f"code part printed as one digit in {'/'.join(p for p in parts if p)}; read as two (e.g. 2 → 02)")
            sec, item = (p.zfill(2) if p else p for p in (sec, item))
        if not cls and (sec or item):
            cls = last_class
        if not sec and item:
            sec = last_section
        return cls, sec, item
    digits = re.sub(r"\D", "", code_cells[0]) if code_cells else ""
    if len(digits) == 2 and last_class:
        if not lone.warned:
            lone.warned = True
            warn("款/项 codes printed alone: completed from the row above, 款 or 项 told by the sums")
        return lone.complete(digits, last_class, total)
    if digits and len(digits) not in (3, 5, 7):
        warn(f"code {digits!r} has an unexpected length")
    return digits[:3], digits[3:5], digits[5:7]


def _classification_rows(rows, valuefields, table: Table, warnings, carry=("", ""), before=()) -> list[Row]:
    out: list[Row] = []
    last_class, last_section = carry
    last_item: tuple[str, str, str] | None = None
    last_name = ""
    spec = BY_NAME.get(table.resource)
    lone = LoneCodes(economic=bool(spec and spec.classification == "economic"))  # 类/款 only: no 项
    for earlier in before:  # the table this one continues: the 款 it left open
        lone.seen(int(earlier.get("level") or 0), earlier.get("total"), str(earlier.get("section_code") or ""))
    for row, columns in rows:
        if index_row(row):
            continue  # 栏次 1 2 3 … numbering the columns, not a row of the table
        code_cells = [_code_digits(c) for c, col in zip(row.cells, columns, strict=True) if col.field == "code"]
        name = _text(row, columns, "name") or _text(row, columns, "item")
        stray = "".join(c for c in code_cells if c and not c.isdigit())
        if stray and set(stray) <= set("类款项"):  # the 类/款/项 sub-header printed on the total row's line
            code_cells, stray = [c if c.isdigit() else "" for c in code_cells], ""
        if stray:  # "合 计" printed across the code and name columns
            code_cells = [c if c.isdigit() else "" for c in code_cells]
            name = stray + name
        code_cells, name = _split_code(name, code_cells)
        values = _values(row, columns, valuefields, table, warnings)
        project = _text(row, columns, "project_name")
        if not name and not any(code_cells) and all(v is None for v in values.values()):
            continue
        warn = partial(_warn, warnings, row.page, table.title)
        cls, sec, item = _code_parts(code_cells, (last_class, last_section), lone, values.get("total"), warn)
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
            lone.seen(level, values.get("total"), sec)
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


_SIDE_CODE = vocabulary.SIDE_CODE


def _row_sides(row: GridRow, columns: list[Column], valuefields, table: Table, warnings) -> list[list]:
    """One printed line of a two-sided table as [side index, label, values] per side. A label printed
    in a side's amount column (centred over merged cells: `当年支出小计`) is that side's label; an
    expenditure side with amounts but no label, right of one with a label but no amounts, is the
    same line (one label over both expenditure groups, its amount under the last)."""
    sides: list[list] = []
    for cell, col in zip(row.cells, columns, strict=True):
        if col.field == "item":
            sides.append([len(sides), cell, {}])
        elif col.field in valuefields and sides:
            try:
                sides[-1][2][col.field] = parse_money(cell)
            except ValueError:
                sides[-1][2][col.field] = None
                if _CJK.search(cell) and not sides[-1][1]:
                    sides[-1][1] = cell
                else:
                    warnings.append(Warning_(f"cell {cell!r} is not a number; left empty", row.page, table.title))
    merged: list[list] = []
    for side in sides:
        before = merged[-1] if merged else None
        if (before and before[0] >= 1 and before[1] and not side[1] and _no_amount(before[2])
                and not _no_amount(side[2])):
            before[2] = {k: v if v is not None else before[2].get(k) for k, v in side[2].items()}
            continue
        merged.append(side)
    return merged


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _no_amount(values: dict) -> bool:
    return all(v is None for v in values.values())


def _two_sided_rows(rows, valuefields, table: Table, warnings) -> list[Row]:
    sides: dict[str, list[Row]] = {"income": [], "expenditure": []}
    names = ([f.name for f in BY_NAME[table.resource].value_fields] + [n for n, _ in table.x_fields]
             if table.resource in BY_NAME else sorted(valuefields, key=lambda n: int(n.split("_")[1])))
    for row, columns in rows:
        for index, item, values in _row_sides(row, columns, valuefields, table, warnings):
            side = "income" if index == 0 else "expenditure"
            if not item and _no_amount(values):
                continue
            code = ""
            if side == "expenditure":
                m = _SIDE_CODE.match(item)
                if m:
                    code, item = m.group(1), m.group(2)
            rec: Row = {"side": side, "line": len(sides[side]) + 1, "code": code, "item": item}
            for name in names:
                rec[name] = values.get(name)
            rec["source_page"] = row.page
            side_lists.mark(rec, index, columns)
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
