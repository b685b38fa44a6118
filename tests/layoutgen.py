"""Render the corpus truth in layouts nobody parsed before (issue 14's layout generator).

A seed picks every printing choice seen in real disclosures: rules (grid, horizontal only,
none), portrait or landscape, 9–12 pt, column widths, the order of the part columns, header
wordings, the code's printed form (7 digits, `208 05 01`, `[2080501]名称`, separate 类/款/项
columns, 款/项 printed alone under their parent), thousands separators, 合计 on top or at
the bottom, page breaks inside the table with or without a repeated header, and the
alignment of amounts. The truth CSV is the expected reading, cell by cell.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # a CID font every PDF reader knows: no font file needed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

FIXTURES = Path(__file__).parent / "fixtures"

TITLES = {
    "expenditure_summary": ("部门支出总体情况表", "部门支出总表"),
    "general_budget_expenditure": ("一般公共预算支出情况表", "一般公共预算支出表"),
    "general_basic_expenditure": ("一般公共预算基本支出情况表", "一般公共预算基本支出表"),
}
# header wordings seen in real documents, per field
WORDS = {
    "code": ("科目编码", "功能分类科目编码", "支出功能分类科目编码"),
    "econ_code": ("科目编码", "经济分类科目编码", "部门预算支出经济分类科目编码"),
    "name": ("科目名称", "功能分类科目名称", "功能科目"),
    "econ_name": ("科目名称", "经济分类科目名称", "经济科目"),
    "total": ("合计", "总计", "小计"),
    "basic": ("基本支出", "基本支出合计"),
    "project": ("项目支出",),
    "personnel": ("人员经费", "人员支出"),
    "public": ("公用经费", "日常公用支出"),
}
PARTS = {"general_basic_expenditure": ("personnel", "public")}
CODE_FORMS = ("digits", "spaced", "bracketed", "columns", "columns_alone")


@dataclass(frozen=True)
class Layout:
    seed: int
    doc: str
    resource: str
    rules: str  # "grid", "horizontal", "none"
    landscape: bool
    size: float
    code_form: str
    separators: bool
    total_top: bool
    rows_per_page: int
    repeat_header: bool
    align: str  # "right", "left", "center"
    swap_parts: bool
    wording: tuple[int, ...]
    widths: tuple[float, ...]
    value_parent: bool  # a spanning 一般公共预算支出 cell over the amount columns
    number_label: str  # "表3", "公开03表" or "" printed above the title

    def describe(self) -> str:
        return (f"seed {self.seed}: {self.doc} {self.resource} rules={self.rules} landscape={self.landscape} "
                f"{self.size}pt code={self.code_form} sep={self.separators} total_top={self.total_top} "
                f"rows/page={self.rows_per_page} repeat_header={self.repeat_header} align={self.align} "
                f"swap={self.swap_parts} parent={self.value_parent}")


def truth(doc: str, resource: str) -> list[dict]:
    with open(FIXTURES / doc / "truth" / f"{resource}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def random_layout(seed: int) -> Layout:
    rnd = random.Random(seed)
    return Layout(
        seed=seed,
        doc=rnd.choice(("002", "003", "004")),
        resource=rnd.choice(sorted(TITLES)),
        rules=rnd.choice(("grid", "horizontal", "none")),
        landscape=rnd.random() < 0.4,
        size=rnd.choice((9, 9.5, 10, 10.5, 11, 12)),
        code_form=rnd.choice(CODE_FORMS),
        separators=rnd.random() < 0.5,
        total_top=rnd.random() < 0.5,
        rows_per_page=rnd.choice((6, 9, 14, 40)),
        repeat_header=rnd.random() < 0.5,
        align=rnd.choice(("right", "right", "left", "center")),
        swap_parts=rnd.random() < 0.3,
        wording=tuple(rnd.randrange(3) for _ in range(6)),
        widths=tuple(rnd.uniform(1.0, 1.6) for _ in range(8)),
        value_parent=rnd.random() < 0.3,
        number_label=rnd.choice(("", "表3", "公开03表")),
    )


def _money(text: str, separators: bool) -> str:
    if not text:
        return ""
    if not separators:
        return text
    value = Decimal(text)
    whole, _, frac = text.partition(".")
    out = f"{int(abs(value)):,}" + (f".{frac}" if frac else "")
    return ("-" if value < 0 else "") + out


def _word(layout: Layout, key: str, k: int) -> str:
    options = WORDS[key]
    return options[layout.wording[k] % len(options)]


def _columns(layout: Layout) -> list[tuple[str, str, float]]:
    """(field, header label, width) left to right; code columns first."""
    econ = layout.resource == "general_basic_expenditure"
    s = layout.size
    cols: list[tuple[str, str, float]] = []
    if layout.code_form in ("columns", "columns_alone"):
        cols += [("class", "类", 2.4 * s), ("section", "款", 2.0 * s), ("item", "项", 2.0 * s)]
    elif layout.code_form != "bracketed":
        label = _word(layout, "econ_code" if econ else "code", 0)
        cols.append(("code", label, max((5 if layout.code_form == "digits" else 6) * s * layout.widths[0],
                                         len(label) * s + 6)))
    longest = max(len(r["name"]) for r in truth(layout.doc, layout.resource))
    extra = 5 if layout.code_form == "bracketed" else 0
    label = _word(layout, "econ_name" if econ else "name", 1)
    cols.append(("name", label, max(longest + extra, len(label)) * s * 1.05 + 8))
    parts = list(PARTS.get(layout.resource, ("basic", "project")))
    if layout.swap_parts:
        parts.reverse()
    for k, field in enumerate(["total", *parts]):
        label = _word(layout, field, 2 + k) if field != "total" else WORDS["total"][layout.wording[2] % 2]
        cols.append((field, label, max(6.5 * s, len(label) * s + 6) * layout.widths[1 + k]))
    return cols


def _cells(layout: Layout, row: dict) -> dict[str, str]:
    code, name = row["code"], row["name"]
    out = {"name": name}
    if layout.code_form == "digits":
        out["code"] = code
    elif layout.code_form == "spaced":
        out["code"] = " ".join(p for p in (row["class_code"], row["section_code"], row["item_code"]) if p)
    elif layout.code_form == "bracketed":
        out["name"] = f"[{code}]{name}" if code else name
    elif layout.code_form == "columns":
        out.update({"class": row["class_code"], "section": row["section_code"], "item": row["item_code"]})
    elif code:  # 款/项 alone under their parent
        level = int(row["level"])
        out.update({"class": row["class_code"] if level == 1 else "",
                    "section": row["section_code"] if level == 2 else "",
                    "item": row["item_code"] if level == 3 else ""})
    for field in ("total", "basic", "project", "personnel", "public"):
        if field in row:
            out[field] = _money(row[field], layout.separators)
    return out


def ordered_rows(layout: Layout) -> list[dict]:
    rows = truth(layout.doc, layout.resource)
    totals = [r for r in rows if r["level"] == "0"]
    others = [r for r in rows if r["level"] != "0"]
    return totals + others if layout.total_top else others + totals


class _Page:
    def __init__(self, c: canvas.Canvas, layout: Layout, columns):
        self.c, self.layout, self.columns = c, layout, columns
        self.width, self.height = landscape(A4) if layout.landscape else A4
        table_width = sum(w for _, _, w in columns)
        self.x0 = max(30.0, (self.width - table_width) / 2)
        self.xs = [self.x0]
        for _, _, w in columns:
            self.xs.append(self.xs[-1] + w)
        self.row_h = layout.size * 1.9
        self.y = self.height - 50

    def text(self, x0: float, x1: float, y: float, text: str, align: str, size: float | None = None) -> None:
        self.c.setFont(FONT, size or self.layout.size)
        if align == "left":
            self.c.drawString(x0 + 3, y, text)
        elif align == "right":
            self.c.drawRightString(x1 - 3, y, text)
        else:
            self.c.drawCentredString((x0 + x1) / 2, y, text)

    def hline(self, y: float) -> None:
        if self.layout.rules != "none":
            self.c.line(self.xs[0], y, self.xs[-1], y)

    def vlines(self, top: float, bottom: float, xs: list[float]) -> None:
        if self.layout.rules == "grid":
            for x in xs:
                self.c.line(x, top, x, bottom)


def _title(page: _Page, layout: Layout, unit: str, year: str, cont: bool) -> None:
    lay = layout
    if lay.number_label:
        page.text(page.xs[0], page.xs[-1], page.y, lay.number_label, "right")
        page.y -= lay.size * 2
    title = year + "年" + TITLES[lay.resource][lay.wording[5] % 2] + ("（续）" if cont else "")
    page.text(page.xs[0], page.xs[-1], page.y, title, "center", lay.size + 6)
    page.y -= lay.size * 2.6
    page.text(page.xs[0], page.xs[-1], page.y, f"编制单位：{unit}", "left")
    page.text(page.xs[0], page.xs[-1], page.y, "单位：万元", "right")
    page.y -= lay.size * 1.2


def _header(page: _Page, layout: Layout) -> None:
    cols, xs, h = page.columns, page.xs, page.row_h
    top = page.y
    value_start = next(k for k, (f, _, _) in enumerate(cols) if f == "total")
    two_rows = layout.code_form in ("columns", "columns_alone") or layout.value_parent
    bottom = top - h * (2 if two_rows else 1)
    page.hline(top)
    upper = top - h * 0.7
    lower = bottom + h * 0.3
    middle = (upper + lower) / 2 if two_rows else lower
    for k, (field, label, _) in enumerate(cols):
        spanned = (field in ("class", "section", "item")) or (layout.value_parent and k >= value_start)
        page.text(xs[k], xs[k + 1], lower if spanned else middle, label, "center")
    if layout.code_form in ("columns", "columns_alone"):
        page.text(xs[0], xs[3], upper, "科目编码", "center")
        if layout.rules == "grid":
            page.c.line(xs[0], top - h, xs[3], top - h)
    if layout.value_parent:
        page.text(xs[value_start], xs[-1], upper, "一般公共预算支出", "center")
        if layout.rules == "grid":
            page.c.line(xs[value_start], top - h, xs[-1], top - h)
    page.vlines(top, bottom, [xs[0], xs[-1]] + [x for k, x in enumerate(xs[1:-1], 1)
                                              if not (two_rows and _inside_span(layout, cols, k))])
    if layout.rules == "grid":
        for k, x in enumerate(xs[1:-1], 1):
            if two_rows and _inside_span(layout, cols, k):
                page.c.line(x, top - h, x, bottom)
    page.hline(bottom)
    page.y = bottom


def _inside_span(layout: Layout, cols, k: int) -> bool:
    """Is the boundary left of column k inside a spanning header cell?"""
    fields = [f for f, _, _ in cols]
    if layout.code_form in ("columns", "columns_alone") and k in (1, 2):
        return True
    value_start = fields.index("total")
    return layout.value_parent and k > value_start


def _body_row(page: _Page, layout: Layout, cells: dict[str, str]) -> None:
    top = page.y
    base = top - page.row_h * 0.68
    for k, (field, _, _) in enumerate(page.columns):
        text = cells.get(field, "")
        if not text:
            continue
        numeric = field in ("total", "basic", "project", "personnel", "public")
        align = layout.align if numeric else ("center" if field in ("class", "section", "item") else "left")
        page.text(page.xs[k], page.xs[k + 1], base, text, align)
    bottom = top - page.row_h
    if layout.rules == "grid" or (layout.rules == "horizontal" and layout.seed % 2 == 0):
        page.hline(bottom)
    page.vlines(top, bottom, page.xs)
    page.y = bottom


def render(layout: Layout, path: Path) -> None:
    """Write a small disclosure (cover line, then the table) in the given layout."""
    unit = {"002": "焉耆县社会保险中心", "003": "新疆维吾尔自治区社会保险中心", "004": "阿克陶县社会保险中心"}[layout.doc]
    year = {"002": "2024", "003": "2024", "004": "2025"}[layout.doc]
    size = landscape(A4) if layout.landscape else A4
    c = canvas.Canvas(str(path), pagesize=size, invariant=1)
    columns = _columns(layout)
    page = _Page(c, layout, columns)
    page.text(0, page.width, page.height - 120, f"{unit}{year}年部门预算公开", "center", 20)
    c.showPage()
    rows = [_cells(layout, r) for r in ordered_rows(layout)]
    per_page = min(layout.rows_per_page, int((page.height - 200) / page.row_h))  # rows that fit on the page
    for start in range(0, max(len(rows), 1), per_page):
        page = _Page(c, layout, columns)
        first = start == 0
        if first or layout.repeat_header:
            _title(page, layout, unit, year, cont=not first)
            _header(page, layout)
        for cells in rows[start:start + per_page]:
            _body_row(page, layout, cells)
        if layout.rules == "horizontal":
            page.hline(page.y)
        c.showPage()
    c.save()
