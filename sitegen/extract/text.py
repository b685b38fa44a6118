"""Text front end: disclosures copied from web pages or exported as .txt/.md."""

from __future__ import annotations

from pathlib import Path

from .document import Document, ExtractError, Page
from .files import file_sha256


def read_text(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a UTF-8 (or GB18030) text file; form feeds split pages (at most `max_pages`)."""
    path = Path(path)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExtractError(str(path), "the text file is neither UTF-8 nor GB18030")
    if not text.strip():
        raise ExtractError(str(path), "the text file is empty")
    count = text.count("\f") + 1
    if max_pages and count > max_pages:
        raise ExtractError(str(path), f"{count} pages (form feeds), more than the limit of {max_pages}")
    pages = [
        Page(number=i, lines=[line.rstrip("\r\n ") for line in chunk.splitlines()])
        for i, chunk in enumerate(text.split("\f"), start=1)
    ]
    return Document(path=str(path), sha256=file_sha256(path), pages=pages, media_type="text/plain")
