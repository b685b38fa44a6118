"""The PDF front end reads pdfminer's layout directly (no pdfplumber object dicts): its words
and rules must be exactly what pdfplumber's own `extract_words` and `edges` give."""

from __future__ import annotations

import pdfplumber
import pytest

from sitegen.extract import read_document
from sitegen.extract.document import Rule, Word
from sitegen.extract.pdf import WORD_SETTINGS, _page
from tests.conftest import real_pdf
from tests.pdfgen import _pdf, _stream


def pdfplumber_reading(plumb_page) -> tuple[list[Word], list[Rule]]:
    """The page read through pdfplumber's public API: doubled characters dropped, words, edges."""
    seen: set[tuple] = set()
    doubled: set[int] = set()
    for ch in plumb_page.chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen:
            doubled.add(id(ch))
        seen.add(key)
    page = plumb_page.filter(lambda obj: id(obj) not in doubled) if doubled else plumb_page
    words = [Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
             for w in page.extract_words(**WORD_SETTINGS) if w["text"].strip()]
    rules = [Rule(e["orientation"], float(e["x0"]), float(e["x1"]), float(e["top"]), float(e["bottom"]))
             for e in page.edges if e.get("orientation") in ("h", "v") and not _white_background(e)]
    return words, rules


def _white_background(edge: dict) -> bool:
    """pdfplumber keeps the edges of white, unstroked cell backgrounds; the reader drops them
    (no line is printed there: shapes.invisible)."""
    color = edge.get("non_stroking_color")
    color = tuple(color) if isinstance(color, (list, tuple)) else (color,)
    white = tuple(float(c) for c in color if isinstance(c, (int, float))) in ((1,), (1, 1, 1), (0, 0, 0, 0))
    return edge.get("object_type") == "rect_edge" and not edge.get("stroke") and bool(edge.get("fill")) and white


def assert_same_as_pdfplumber(path) -> int:
    """Every page of the file read both ways; returns how many rules were compared."""
    compared = 0
    with pdfplumber.open(path) as pdf:
        for number, plumb_page in enumerate(pdf.pages, start=1):
            page, _ = _page(plumb_page, number)
            words, rules = pdfplumber_reading(plumb_page)
            assert page.words == words, f"{path.name} page {number}: words differ"
            assert page.rules == rules, f"{path.name} page {number}: rules differ"
            compared += len(rules)
    return compared


@pytest.mark.parametrize("name", [
    "open-budget-05",  # rotated pages, curves
    "renwu-06",  # ruling drawn as curves
    "renwu-07",  # text and rules inside form XObjects (figures)
    "govbudgetchecker-02",  # rectangles
    "open-budget-01",  # white cell backgrounds (left out on both sides)
])
def test_real_pages_read_as_pdfplumber_reads_them(name):
    assert assert_same_as_pdfplumber(real_pdf(name)) > 100


def shapes_pdf() -> bytes:
    """One page with a MediaBox off the origin: doubled text (fake bold), a line, a rectangle,
    a path with a slanted side, and text plus a rule inside a form XObject."""
    content = (b"BT /F1 12 Tf 100 700 Td (Doubled) Tj ET BT /F1 12 Tf 100 700 Td (Doubled) Tj ET "
               b"BT /F1 12 Tf 100 650 Td (Single 12.5) Tj ET "
               b"1 w 100 600 m 300 600 l S 100 500 200 50 re S "
               b"100 400 m 200 400 l 200 300 l 150 250 l S q 1 0 0 1 50 100 cm /Fm1 Do Q")
    form = b"BT /F1 10 Tf 10 10 Td (In form) Tj ET 0 0 m 0 80 l S"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [30 40 625 882] "
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /Fm1 6 0 R >> >> /Contents 5 0 R >>",
        _stream(content),
        _stream(form, b"/Type /XObject /Subtype /Form /BBox [0 0 200 100] /Resources << /Font << /F1 3 0 R >> >> "),
    ]
    return _pdf(objects)


def test_offset_mediabox_doubled_text_shapes_and_forms(tmp_path):
    path = tmp_path / "shapes.pdf"
    path.write_bytes(shapes_pdf())
    assert assert_same_as_pdfplumber(path) >= 4 + 1 + 2 + 1  # rectangle sides, line, two path sides, form rule
    page = read_document(path).pages[0]
    assert [w.text for w in page.words].count("Doubled") == 1
    assert {"Single", "12.5", "In", "form"} <= {w.text for w in page.words}
    assert sum(1 for r in page.rules if r.orientation == "h") >= 3
