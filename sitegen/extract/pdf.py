"""PDF front end: the only module that knows pdfplumber."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.text import WordExtractor

from .document import Document, ExtractError, Page, Word
from .files import file_sha256
from .lines import cluster_lines, join_words, words_to_lines
from .shapes import Frame, shape_rules

MIN_TEXT_CHARS = 20  # a page with fewer characters but with images is taken as scanned


WORD_SETTINGS = {"x_tolerance": 1.5, "y_tolerance": 2, "keep_blank_chars": False}  # pdfplumber word grouping


def _layout_items(items) -> Iterator:
    """The page's layout objects, figures opened (what pdfplumber's `page.objects` walks)."""
    for obj in items:
        if isinstance(obj, LTContainer):
            yield from _layout_items(obj._objs)
        else:
            yield obj


def _char(obj: LTChar, frame: Frame, doctop: float) -> dict:
    """The keys word grouping reads, as pdfplumber's `page.chars` has them, without building
    its full object dict (colours, font, matrix, …)."""
    x0, x1, top, bottom = frame.box(obj)
    return {"text": obj.get_text(), "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": doctop + top,
            "upright": obj.upright}


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop characters drawn twice at the same spot (fake bold in CJK PDFs)."""
    seen: set[tuple] = set()
    kept = []
    for ch in chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key not in seen:
            kept.append(ch)
        seen.add(key)
    return kept


def _page(plumb_page, number: int) -> tuple[Page, bool]:
    """One page read from pdfminer's layout in a single pass; also whether it holds images.

    pdfplumber's `page.objects` turns every layout object into a dict of some twenty resolved
    attributes; words and rules need five, so characters and shapes are converted directly
    (the same arithmetic: the words and rules are pdfplumber's `extract_words` and `edges`)."""
    frame = Frame(plumb_page.height, *plumb_page.mediabox[:2])
    chars, shapes, images = [], [], False
    for obj in _layout_items(plumb_page.layout._objs):
        if isinstance(obj, LTChar):
            chars.append(_char(obj, frame, plumb_page.initial_doctop))
        elif isinstance(obj, LTCurve):
            shapes.append(obj)
        elif isinstance(obj, LTImage):
            images = True
    raw = WordExtractor(**WORD_SETTINGS).extract_words(_dedupe(chars))
    words = [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        for w in raw
        if w["text"].strip()
    ]
    page = Page(number=number, width=float(plumb_page.width), height=float(plumb_page.height), words=words,
                rules=shape_rules(shapes, frame), lines=words_to_lines(words))
    return page, images


_TABLE_LABEL = re.compile(r"^(附?表|公开)\s*#\s*表?$")


def drop_running_lines(pages: list[Page], edge: float = 0.07) -> None:
    """Remove running headers and footers: text at the top or bottom edge of the page that
    repeats (numbers aside) on many pages. They would otherwise end up in table rows and in
    sentences that run over a page break. A line also printed away from the edges is content:
    a table's header repeated at the top of the pages it continues on."""
    keyed: list[list[tuple[str, list[Word]]]] = []
    counts: dict[str, int] = {}
    inside: set[str] = set()
    for page in pages:
        entries = []
        for line in cluster_lines(page.words):
            top, bottom = min(w.top for w in line), max(w.bottom for w in line)
            key = re.sub(r"\d+", "#", join_words(line)).strip()
            if not (page.height and (bottom < page.height * edge or top > page.height * (1 - edge))):
                if re.search(r"[^\W\d_]", key):  # words, not a bare number like a page number
                    inside.add(key)
            elif key and not _TABLE_LABEL.match(key):
                entries.append((key, line))
        keyed.append(entries)
        for key in {k for k, _ in entries}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(3, len(pages) // 4)
    for page, entries in zip(pages, keyed, strict=True):
        drop = {id(w) for key, line in entries if counts[key] >= threshold and key not in inside for w in line}
        if drop:
            page.words = [w for w in page.words if id(w) not in drop]
            page.lines = words_to_lines(page.words)


def read_pdf(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a PDF into a Document; raise ExtractError with a plain reason when it cannot."""
    path = Path(path)
    sha = file_sha256(path)
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types on broken files; pdfplumber wraps them
        inner = [exc, *exc.args, exc.__context__]
        if any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) for e in inner):
            raise ExtractError(str(path), "the PDF is encrypted (password protected); decrypt it first") from None
        detail = next((e for e in inner if isinstance(e, PDFSyntaxError)), exc)
        raise ExtractError(str(path), f"not a readable PDF ({type(detail).__name__}: {detail})") from None
    pages: list[Page] = []
    try:
        with pdf:
            count = len(pdf.pages)
            if count == 0:
                raise ExtractError(str(path), "the PDF has no pages")
            if max_pages and count > max_pages:
                raise ExtractError(str(path), f"{count} pages, more than the limit of {max_pages}")
            scanned = 0
            for index, plumb_page in enumerate(pdf.pages, start=1):
                try:
                    page, images = _page(plumb_page, index)
                    chars = sum(len(w.text) for w in page.words)
                    if chars < MIN_TEXT_CHARS and images:
                        scanned += 1
                except ExtractError:
                    raise
                except Exception as exc:
                    raise ExtractError(str(path), f"cannot read page ({type(exc).__name__}: {exc})", index) from None
                finally:
                    plumb_page.close()
                pages.append(page)
    except ExtractError:
        raise
    except Exception as exc:
        raise ExtractError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    drop_running_lines(pages)
    if scanned and scanned == len(pages):
        raise ExtractError(str(path), "the PDF has no text layer (a scanned image): it needs OCR first", 1)
    if not any(page.words for page in pages):
        raise ExtractError(str(path), "the PDF contains no text", 1)
    return Document(path=str(path), sha256=sha, pages=pages, media_type="application/pdf")
