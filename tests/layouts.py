"""Layout generator (issue 14): the corpus truth rendered as PDF tables in randomized layouts.

One seed gives one `Variant` (random.Random(seed)): a document, three of its eleven tables,
and the printing choices real disclosures vary — ruling lines (grid, horizontal, header frame
only, none), portrait/landscape, 9–12 pt, column widths, the order of part columns, header and
title wordings, every code form (7 digits, spaced, dotted, dashed, bracketed, separate 类/款/项
columns, 款/项 printed alone in one column or in their own columns, codes wrapped over two
lines), thousands separators, 合计 on top or at the bottom, page breaks inside tables (bare,
header repeated, title and header repeated with （续）), the table number's form and place,
number alignment, notes with or without 备注：. `render` draws it with reportlab's built-in
CJK font (STSong-Light, no font files needed): small, fast and byte-identical on every
machine; `text_export` gives the same pages as a 'save as text' export.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from conftest import truth_rows, truth_unit

from sitegen.package.schemas import TABLE_RESOURCES

FONT = "STSong-Light"
MARGIN = 36.0
ROW_PAD = 5.0  # points of space above and below a line of text in a row
CELL_PAD = 3.0  # points between a cell's rule and its text
MIN_FONT = 6.0  # wide tables shrink their font down to this before they overflow

DOCS = ("002", "003", "004")
RESOURCES = tuple(r.name for r in TABLE_RESOURCES)
TWO_SIDED = ("income_expenditure_summary", "fiscal_summary")
ITEMS = ("three_public_expenses", "prior_year_carryover")

OPTIONS: dict[str, tuple] = {
    "rules": ("grid", "horizontal", "frame", "none"),  # frame: rules around the header and under the table
    "orientation": ("portrait", "landscape"),
    "code_form": ("digits", "spaced", "dotted", "dashed", "bracketed", "columns", "columns_alone", "alone",
                  "wrapped"),
    "thousands": (False, True),
    "total_at": ("top", "bottom"),
    "breaks": ("none", "repeat_header", "repeat_title", "bare"),
    "align": ("right", "left", "center"),
    "numbering": ("表N", "表N_right", "附表N", "公开N表", "apart"),
    "title": ("template", "short"),  # short: the shorter title some documents print (部门支出总表)
    "parents": (False, True),
    "part_order": ("as_template", "swapped"),
    "note_prefix": (True, False),  # an empty table's note printed as "备注：…" or bare
}

# Header wordings seen in real disclosures (content/real, tests/fixtures/real2), per field.
WORDS: dict[str, tuple[str, ...]] = {
    "code": ("功能分类科目编码", "科目编码", "功能科目编码"),
    "econ_code": ("经济分类科目编码", "科目编码", "经济科目编码"),
    "name": ("功能分类科目名称", "科目名称", "功能科目名称"),
    "econ_name": ("经济分类科目名称", "科目名称", "经济科目名称"),
    "bracketed": ("科目名称", "功能分类科目", "科目"),
    "project_name": ("项目名称",),
    "total": ("合计", "总计", "小计", "支出总计"),
    "income_total": ("合计", "总计"),
    "basic": ("基本支出", "基本"),
    "project": ("项目支出", "项目"),
    "personnel": ("人员经费", "人员类", "人员支出"),
    "public": ("公用经费", "公用支出"),
    "basic_personnel": ("人员经费",),
    "basic_public": ("公用经费",),
    "general_budget": ("一般公共预算", "一般公共预算拨款"),
    "fund_budget": ("政府性基金预算", "政府性基金"),
    "state_capital_budget": ("国有资本经营预算",),
    "fiscal_subtotal": ("财政拨款小计", "小计"),
    "general_budget_transfer": ("上级一般公共预算安排的转移支付", "上级一般公共预算转移支付"),
    "fund_budget_transfer": ("上级政府性基金安排的转移支付",),
    "state_capital_transfer": ("上级国有资本经营预算安排的转移支付",),
    "special_account": ("财政专户", "财政专户管理资金"),
    "unit_funds": ("单位资金",),
    "fiscal_carryover": ("财政拨款结转", "上年财政拨款结转"),
    "nonfiscal_carryover": ("非财政拨款结转结余", "上年非财政拨款结转结余"),
    "wages": ("工资福利支出",),
    "goods_services": ("商品和服务支出",),
    "household_transfers": ("对个人和家庭的补助",),
    "debt_interest": ("债务利息及费用支出",),
    "capital_infrastructure": ("资本性支出（基本建设）",),
    "capital": ("资本性支出",),
    "enterprise_subsidy_infrastructure": ("对企业补助（基本建设）",),
    "enterprise_subsidy": ("对企业补助",),
    "social_security_fund_subsidy": ("对社会保障基金补助",),
    "other": ("其他支出",),
    "item": ("项目", "项 目"),
    "amount": ("预算数", "金额", "预算"),
    "three_item": ("“三公”经费支出内容", "项目"),
    "side_income": ("收入", "财政拨款收入"),
    "side_expenditure": ("支出", "财政拨款支出"),
}

# shorter titles printed by some documents
SHORT_TITLES = {"expenditure_summary": "部门支出总表", "general_budget_expenditure": "一般公共预算支出表",
                "general_basic_expenditure": "一般公共预算基本支出表"}
FONT_SIZES = (9.0, 9.5, 10.0, 10.5, 11.0, 12.0)

# part columns whose printed order varies between documents (pairs swapped as a block)
SWAPPABLE = (("basic", "project"), ("personnel", "public"), ("general_budget", "fund_budget"))


@dataclass
class Variant:
    seed: int
    doc: str
    resources: tuple[str, ...]
    font_size: float
    widths: dict[str, float]  # field -> width factor
    words: dict[str, str]  # word key -> chosen header wording
    break_after: dict[str, int]  # resource -> a page break is forced after every this many body rows
    options: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["options"][name]
        except KeyError:
            raise AttributeError(name) from None

    def describe(self) -> str:
        opts = " ".join(f"{k}={v}" for k, v in self.options.items())
        return f"seed {self.seed}: doc {self.doc} {'+'.join(self.resources)} {self.font_size}pt {opts}"


def variant(seed: int, per_variant: int = 3) -> Variant:
    """The layout of one seed. Documents and tables rotate with the seed, so any 33
    consecutive seeds cover every (document, table) pair; the rest is drawn at random."""
    rng = random.Random(seed)
    doc = DOCS[seed % len(DOCS)]
    resources = tuple(RESOURCES[(seed * per_variant + k) % len(RESOURCES)] for k in range(per_variant))
    options = {name: rng.choice(values) for name, values in OPTIONS.items()}
    words = {key: rng.choice(choices) for key, choices in WORDS.items()}
    widths = {f: rng.uniform(1.0, 1.6) for f in _all_fields()}
    breaks = {r: rng.randint(3, 14) for r in resources}
    return Variant(seed, doc, resources, rng.choice(FONT_SIZES), widths, words, breaks, options)


BASELINE = {"rules": "grid", "orientation": "portrait", "code_form": "digits", "thousands": False,
            "total_at": "top", "breaks": "none", "align": "right", "numbering": "表N", "title": "template",
            "parents": False, "part_order": "as_template", "note_prefix": True}


def baseline(seed: int, **change) -> Variant:
    """The seed's document and tables in the plainest layout (ruled grid, template wordings),
    with only the given options changed: isolates what one option does to the reading."""
    v = variant(seed)
    v.options = {**BASELINE, **change}
    v.font_size = 10.0
    v.widths = {f: 1.2 for f in v.widths}
    v.words = {key: choices[0] for key, choices in WORDS.items()}
    return v


def _all_fields() -> list[str]:
    return sorted({f for r in TABLE_RESOURCES for f in r.field_names} | {"class", "section", "item_code"})


# ---------------------------------------------------------------- table model


@dataclass
class Column:
    key: str  # field name, or class/section/item_code for separate code columns
    label: str
    numeric: bool = False
    parent: str = ""


@dataclass
class Grid:
    """What one printed table shows: columns (with optional parent header) and body rows."""

    title: str
    columns: list[Column]
    rows: list[list[str]]
    indents: list[int] = field(default_factory=list)
    note: str = ""


def money(text: str, thousands: bool) -> str:
    if not text or not thousands:
        return text
    sign, rest = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = rest.partition(".")
    return sign + f"{int(whole):,}" + dot + frac


def _code_cells(row: dict, form: str, economic: bool) -> tuple[list[str], str]:
    """The code cells and the name cell of one classification row in a code form."""
    parts = [row["class_code"], row["section_code"], row["item_code"]]
    if economic:
        parts = parts[:2]
    name, code = row["name"], row["code"]
    if form == "digits":
        return [code], name
    if form in ("spaced", "dotted", "dashed"):
        return [{"spaced": " ", "dotted": ".", "dashed": "-"}[form].join(p for p in parts if p)], name
    if form == "bracketed":
        return [], f"[{code}]{name}" if code else name
    if form == "columns":
        return parts, name
    if form == "wrapped":  # the code cell too narrow: its last two digits on a second line
        return [f"{code[:-2]}\n{code[-2:]}" if len(code) > 3 else code], name
    own = next((k for k in range(len(parts) - 1, -1, -1) if parts[k]), -1)  # 款/项 print only their own digits
    if form == "columns_alone":
        return [p if k == own else "" for k, p in enumerate(parts)], name
    return [parts[own] if own >= 0 else ""], name


def _code_columns(v: Variant, economic: bool) -> list[Column]:
    form = v.code_form
    code_word = v.words["econ_code" if economic else "code"]
    if form == "bracketed":
        return []
    if form in ("columns", "columns_alone"):
        keys = ("class", "section", "item_code")[: 2 if economic else 3]
        return [Column(k, w, parent=code_word) for k, w in zip(keys, "类款项", strict=False)]
    return [Column("code", code_word)]


def _value_fields(resource: str, v: Variant) -> list[str]:
    res = next(r for r in TABLE_RESOURCES if r.name == resource)
    names = [f.name for f in res.value_fields]
    if v.part_order == "swapped":
        for a, b in SWAPPABLE:
            if a in names and b in names:
                i, j = names.index(a), names.index(b)
                names[i], names[j] = b, a
    return names


def _label(key: str, resource: str, v: Variant) -> str:
    if key == "total" and resource == "income_summary":
        return v.words["income_total"]
    return v.words.get(key, key)


def _parent(resource: str, key: str, v: Variant) -> str:
    """The spanning header over a value column, where the layout prints one."""
    if resource == "prior_year_carryover" and key != "total":  # the leaves need their parent to be told apart
        return "非财政拨款" if key.startswith("nonfiscal") else "财政拨款"
    if key in ("basic_personnel", "basic_public"):
        return "基本支出"
    if resource == "income_summary" and (v.parents or v.words["fiscal_subtotal"] == "小计"):
        # a bare 小计 is printed under its 财政拨款 parent, never beside 合计 on its own
        fiscal = ("fiscal_subtotal", "general_budget", "fund_budget", "state_capital")
        return "财政拨款（补助）" if key.startswith(fiscal) else ""
    if not v.parents or key == "total":
        return ""
    return {"expenditure_summary": "支出预算", "general_budget_expenditure": "一般公共预算支出",
            "general_basic_expenditure": "一般公共预算基本支出", "three_public_expenses": "资金来源"}.get(resource, "")


CARRYOVER_WORDS = {"total": "小计", "basic_personnel": "人员经费", "basic_public": "公用经费", "project": "项目支出"}


def _value_columns(resource: str, v: Variant) -> list[Column]:
    out = []
    for key in _value_fields(resource, v):
        if resource == "prior_year_carryover" and key != "total":
            label = CARRYOVER_WORDS[key.split("_", 1)[1]]
        else:
            label = _label(key, resource, v)
        out.append(Column(key, label, numeric=True, parent=_parent(resource, key, v)))
    return out


def classification_grid(resource: str, title: str, v: Variant) -> Grid:
    economic = resource == "general_basic_expenditure"
    rows = truth_rows(v.doc, resource)
    totals = [r for r in rows if r["level"] == "0" and r["name"] in ("合计", "总计")]
    body = [r for r in rows if r not in totals]
    rows = totals + body if v.total_at == "top" else body + totals
    name_word = v.words["bracketed"] if v.code_form == "bracketed" else v.words["econ_name" if economic else "name"]
    columns = _code_columns(v, economic) + [Column("name", name_word)]
    if resource == "general_project_expenditure":
        columns.append(Column("project_name", v.words["project_name"]))
    values = _value_columns(resource, v)
    columns += values
    cells, indents = [], []
    for r in rows:
        codes, name = _code_cells(r, v.code_form, economic)
        line = codes + [name] + ([r["project_name"]] if resource == "general_project_expenditure" else [])
        line += [money(r[c.key], v.thousands) for c in values]
        cells.append(line)
        indents.append(max(int(r["level"]) - 1, 0))
    return Grid(title, columns, cells, indents)


def items_grid(resource: str, title: str, v: Variant) -> Grid:
    word = v.words["three_item"] if resource == "three_public_expenses" else "项目"
    values = _value_columns(resource, v)
    rows = [[r["item"]] + [money(r[c.key], v.thousands) for c in values] for r in truth_rows(v.doc, resource)]
    return Grid(title, [Column("item", word)] + values, rows, [0] * len(rows))


def two_sided_grid(resource: str, title: str, v: Variant) -> Grid:
    """收入 on the left, 支出 on the right; the two 总计 rows share the last line."""
    rows = truth_rows(v.doc, resource)
    income = [r for r in rows if r["side"] == "income"]
    spend = [r for r in rows if r["side"] == "expenditure"]
    left = [Column("item", v.words["item"], parent=v.words["side_income"]),
            Column("total" if resource == "fiscal_summary" else "amount", v.words["amount"], True,
                   v.words["side_income"])]
    if resource == "fiscal_summary":
        keys = ["total"] + [k for k in _value_fields(resource, v) if k != "total"]
        right = [Column(k, _label(k, resource, v), True, v.words["side_expenditure"]) for k in keys]
    else:
        right = [Column("amount", v.words["amount"], True, v.words["side_expenditure"])]
    right.insert(0, Column("item", v.words["item"], parent=v.words["side_expenditure"]))
    height = max(len(income), len(spend))
    pad = lambda side: side[:-1] + [None] * (height - len(side)) + side[-1:]  # noqa: E731
    cells = []
    for a, b in zip(pad(income), pad(spend), strict=True):
        line = _side_cells(a, left, v) + _side_cells(b, right, v)
        cells.append(line)
    return Grid(title, left + right, cells, [0] * len(cells))


def _side_cells(row: dict | None, columns: list[Column], v: Variant) -> list[str]:
    if row is None:
        return [""] * len(columns)
    item = f"{row['code']} {row['item']}" if row.get("code") else row["item"]
    return [item] + [money(row[c.key], v.thousands) for c in columns[1:]]


def table_grid(resource: str, v: Variant) -> Grid:
    res = next(r for r in TABLE_RESOURCES if r.name == resource)
    title = SHORT_TITLES.get(resource, res.title) if v.title == "short" else res.title
    if resource in TWO_SIDED:
        grid = two_sided_grid(resource, title, v)
    elif resource in ITEMS:
        grid = items_grid(resource, title, v)
    else:
        grid = classification_grid(resource, title, v)
    if not grid.rows:
        notes = {n["resource"]: n.get("remark") or n.get("note", "") for n in truth_unit(v.doc).get("notes", [])}
        note = notes.get(resource, "")
        grid.note = note if not note or not v.note_prefix or note.startswith(("备注", "注")) else f"备注：{note}"
    return grid


# ---------------------------------------------------------------- drawing


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return pdfmetrics


def text_width(text: str, size: float) -> float:
    return _font().stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break a header label into lines that fit the width (CJK breaks anywhere)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


def page_size(orientation: str) -> tuple[float, float]:
    from reportlab.lib.pagesizes import A4, landscape

    return landscape(A4) if orientation == "landscape" else A4


def column_widths(grid: Grid, v: Variant, size: float) -> list[float]:
    """Each column as wide as its widest body cell (or 4 header characters), times the
    variant's random factor for that field."""
    widths = []
    for i, col in enumerate(grid.columns):
        body = max((max(text_width(line, size) for line in r[i].split("\n"))
                    + (grid.indents[k] * size if i == _name_index(grid) else 0)
                    for k, r in enumerate(grid.rows)), default=0.0)
        header = min(text_width(col.label, size), 4 * size)
        widths.append(max(body, header) * v.widths.get(col.key, 1.0) + 2 * CELL_PAD + 2)
    return widths


def _name_index(grid: Grid) -> int:
    return next((i for i, c in enumerate(grid.columns) if c.key in ("name", "item")), -1)


def fit(grid: Grid, v: Variant) -> tuple[tuple[float, float], float, list[float]]:
    """Page size, font size and column widths: the variant's font and orientation, the
    font shrunk as far as MIN_FONT for wide tables, then landscape when still too wide."""
    orientations = [v.orientation] + (["landscape"] if v.orientation == "portrait" else [])
    for orientation in orientations:
        size = page_size(orientation)
        avail = size[0] - 2 * MARGIN
        widths = column_widths(grid, v, v.font_size)
        font = min(v.font_size, v.font_size * avail / sum(widths))
        if font >= MIN_FONT or orientation == "landscape":
            font = max(font, MIN_FONT)
            widths = column_widths(grid, v, font)
            scale = min(1.0, avail / sum(widths))
            return size, font, [w * scale for w in widths]
    raise AssertionError("unreachable")


@dataclass
class Pen:
    """A reportlab canvas plus the table geometry being drawn and the rule segments drawn so far."""

    canvas: object
    grid: Grid
    v: Variant
    size: float
    xs: list[float]  # column edges, len(columns) + 1
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    frame: set[float] = field(default_factory=set)  # heights of the header's rules and the table's last rule

    @property
    def lead(self) -> float:
        return self.size * 1.25

    def text(self, s: str, x0: float, x1: float, top: float, how: str) -> None:
        if not s:
            return
        w = text_width(s, self.size)
        x = {"left": x0 + CELL_PAD, "right": x1 - CELL_PAD - w, "center": (x0 + x1 - w) / 2}[how]
        self.canvas.drawString(x, top - ROW_PAD - self.size * 0.88, s)

    def hline(self, x0: float, x1: float, y: float) -> None:
        self.lines.append((x0, y, x1, y))

    def vline(self, x: float, y0: float, y1: float) -> None:
        self.lines.append((x, y0, x, y1))

    def flush(self) -> None:
        """Draw the collected rules the variant keeps: all, horizontal only, or none."""
        keep = {"grid": lambda seg: True, "horizontal": lambda seg: seg[1] == seg[3],
                "frame": lambda seg: seg[1] == seg[3] and seg[1] in self.frame,
                "none": lambda seg: False}[self.v.rules]
        self.canvas.setLineWidth(0.5)
        if self.lines:  # the last rule drawn closes the table (or the page's part of it)
            self.frame.add(self.lines[-1][1])
        for seg in self.lines:
            if keep(seg):
                self.canvas.line(*seg)
        self.lines, self.frame = [], set()


def draw_header(pen: Pen, top: float) -> float:
    """The header rows (a parent row over spanned columns where there is one); returns the bottom."""
    cols, xs = pen.grid.columns, pen.xs
    labels = [wrap(c.label, xs[i + 1] - xs[i] - 2 * CELL_PAD, pen.size) for i, c in enumerate(cols)]
    spans = _spans(cols)
    parents = {s: wrap(cols[s[0]].parent, xs[s[1]] - xs[s[0]] - 2 * CELL_PAD, pen.size) for s in spans}
    parent_h = max((len(p) for p in parents.values()), default=0) * pen.lead + (2 * ROW_PAD if spans else 0)
    leaf_h = max(len(lab) for lab in labels) * pen.lead + 2 * ROW_PAD
    bottom = top - parent_h - leaf_h
    pen.hline(xs[0], xs[-1], top)
    for (a, b), lines in parents.items():
        for k, line in enumerate(lines):
            pen.text(line, xs[a], xs[b], top - k * pen.lead, "center")
        pen.hline(xs[a], xs[b], top - parent_h)
    for i, lines in enumerate(labels):
        spanned = any(a <= i < b for a, b in spans)
        cell_top = top - parent_h if spanned else top
        first = cell_top - ((cell_top - bottom) - len(lines) * pen.lead - 2 * ROW_PAD) / 2
        for k, line in enumerate(lines):
            pen.text(line, xs[i], xs[i + 1], first - k * pen.lead, "center")
    for i, x in enumerate(xs):
        inside = any(a < i < b for a, b in spans)
        pen.vline(x, top - parent_h if inside else top, bottom)
    pen.hline(xs[0], xs[-1], bottom)
    pen.frame |= {top, bottom}
    return bottom


def _spans(cols: list[Column]) -> list[tuple[int, int]]:
    """Runs of adjacent columns under the same parent label: (first, end) indices."""
    spans, i = [], 0
    while i < len(cols):
        j = i
        while j < len(cols) and cols[j].parent and cols[j].parent == cols[i].parent:
            j += 1
        if j > i:
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def row_height(pen: Pen, cells: list[str]) -> float:
    return max(s.count("\n") + 1 for s in cells) * pen.lead + 2 * ROW_PAD


def draw_row(pen: Pen, cells: list[str], indent: int, top: float) -> float:
    """One body row; a cell holding a line break prints over two lines (the first at the
    row's text line, as a wrapped code does)."""
    bottom = top - row_height(pen, cells)
    name = _name_index(pen.grid)
    for i, (col, s) in enumerate(zip(pen.grid.columns, cells, strict=True)):
        x0 = pen.xs[i] + (indent * pen.size if i == name else 0)
        how = pen.v.align if col.numeric else "center" if col.key in ("class", "section", "item_code") else "left"
        for k, line in enumerate(s.split("\n")):
            pen.text(line, x0, pen.xs[i + 1], top - k * pen.lead, how)
    for x in pen.xs:
        pen.vline(x, top, bottom)
    pen.hline(pen.xs[0], pen.xs[-1], bottom)
    return bottom


def draw_title(pen: Pen, number: int, unit: str, year: int, width: float, top: float, cont: bool = False) -> float:
    """Table number and title as the variant prints them (（续） on a continuation page),
    then the 编制单位 / 单位 line."""
    c, size = pen.canvas, pen.size
    title = pen.grid.title + ("（续）" if cont else "")
    if pen.v.numbering == "附表N":
        title = f"附表{number} {title}"
    elif pen.v.numbering in ("表N", "表N_right", "公开N表"):
        label = f"公开{number:02d}表" if pen.v.numbering == "公开N表" else f"表{number}"
        c.setFont(FONT, size)
        if pen.v.numbering == "表N_right":
            c.drawRightString(pen.xs[-1], top - size, label)
        else:
            c.drawString(MARGIN, top - size, label)
        top -= size * 2
    else:
        title = f"{year}年{title}"
    c.setFont(FONT, size + 4)
    c.drawCentredString(width / 2, top - size - 4, title)
    top -= (size + 4) * 2
    c.setFont(FONT, size)
    c.drawString(pen.xs[0], top - size, f"编制单位：{unit}")
    c.drawRightString(pen.xs[-1], top - size, "单位：万元")
    return top - size * 1.8


def draw_table(canvas, resource: str, v: Variant, unit: str, year: int) -> None:
    """One table from the top of a new page, continuing on further pages as needed."""
    grid = table_grid(resource, v)
    (width, height), size, widths = fit(grid, v)
    left = (width - sum(widths)) / 2
    xs = [left + sum(widths[:i]) for i in range(len(widths) + 1)]
    pen = Pen(canvas, grid, v, size, xs)
    canvas.setPageSize((width, height))
    number = next(r.table for r in TABLE_RESOURCES if r.name == resource)
    y = draw_header(pen, draw_title(pen, number, unit, year, width, height - MARGIN))
    canvas.setFont(FONT, size)
    for i, cells in enumerate(grid.rows):
        forced = v.breaks != "none" and i and i % v.break_after[resource] == 0
        if forced or y - row_height(pen, cells) < MARGIN:
            pen.flush()
            canvas.showPage()
            canvas.setPageSize((width, height))
            canvas.setFont(FONT, size)
            y = height - MARGIN
            if v.breaks == "repeat_title":
                y = draw_title(pen, number, unit, year, width, y, cont=True)
            if v.breaks in ("repeat_header", "repeat_title"):
                y = draw_header(pen, y)
        y = draw_row(pen, cells, grid.indents[i], y)
    pen.flush()
    if grid.note:
        canvas.drawString(xs[0], y - size * 2, grid.note)
    canvas.showPage()


def render(v: Variant, path: Path) -> Path:
    """Write the variant as a PDF: a cover page, then each of its tables."""
    from reportlab.pdfgen.canvas import Canvas

    _font()
    unit = truth_unit(v.doc)
    canvas = Canvas(str(path), pagesize=page_size("portrait"), invariant=1)
    canvas.setFont(FONT, 16)
    canvas.drawCentredString(297, 600, unit["name"])
    canvas.drawCentredString(297, 570, f"{unit['year']}年部门预算公开")
    canvas.showPage()
    for resource in v.resources:
        draw_table(canvas, resource, v, unit["name"], unit["year"])
    canvas.save()
    return path


def text_export(pdf: Path, path: Path) -> Path:
    """The PDF's text as a 'save as text' export gives it: each page's extract_text()."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        path.write_text("\n".join(page.extract_text() or "" for page in doc.pages), encoding="utf-8")
    return path


# ---------------------------------------------------------------- checking


def diff_tables(v: Variant, disclosure, missing_ok: bool = False) -> list[str]:
    """Cell differences between the parsed tables of the variant and the truth, compared
    exactly as tests/test_tables_pdf.py compares the A/B/C PDFs. With missing_ok only
    wrong cells count: a cell the reader left empty (it could not place it) is no error."""
    from test_tables_pdf import _total_last, _value

    diffs = []
    for res in TABLE_RESOURCES:
        if res.name not in v.resources:
            continue
        truth = _total_last(truth_rows(v.doc, res.name))
        table = disclosure.tables.get(res.name)
        if table is None:
            diffs.append(f"{res.name}: table not found")
            continue
        got = _total_last(table.rows)
        for i in range(max(len(truth), len(got))):
            t = truth[i] if i < len(truth) else {}
            g = got[i] if i < len(got) else {}
            for c in res.field_names:
                if missing_ok and _value(g.get(c)) == "" and _value(t.get(c)) != "":
                    continue
                if _value(t.get(c)) != _value(g.get(c)):
                    diffs.append(f"{res.name} row {i + 1} {c}: expected {t.get(c)!r}, got {g.get(c)!r}")
    return diffs


def check(v: Variant, folder: Path, front: str = "pdf") -> list[str]:
    """Render the variant, read it through the pdf (or text) front end, and diff it.

    The text export has lost the columns, so a number the arithmetic cannot place is left
    empty by design: for text, only wrong cells count."""
    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document

    pdf = render(v, folder / f"layout-{v.seed}.pdf")
    source = text_export(pdf, folder / f"layout-{v.seed}.txt") if front == "text" else pdf
    try:
        disclosure = parse_document(read_document(source))
    except Exception as exc:  # a reading that fails outright is one more difference
        return [f"{type(exc).__name__}: {exc}"]
    return diff_tables(v, disclosure, missing_ok=front == "text")
