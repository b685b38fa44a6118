"""Front ends: turn a source file into a layout-neutral Document."""

from __future__ import annotations

from pathlib import Path

from .document import Document, ExtractError, Page, Rule, Word

SUFFIXES = {".pdf", ".txt", ".md"}


def read_document(path: str | Path, max_pages: int | None = None) -> Document:
    """Dispatch on the file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, max_pages=max_pages)
    if suffix in (".txt", ".md"):
        from .text import read_text

        return read_text(path, max_pages=max_pages)
    raise ExtractError(str(path), f"unsupported file type {suffix!r} (expected .pdf, .txt or .md)")


def preload(paths) -> None:
    """Import the PDF reader (pdfplumber, pdfminer) when these files need it. Called before
    forking a worker per file, so each worker inherits it instead of importing it again; a
    rebuild served from the cache never calls it and never imports a PDF library."""
    if any(Path(p).suffix.lower() == ".pdf" for p in paths):
        from . import pdf  # noqa: F401


__all__ = ["Document", "ExtractError", "Page", "Rule", "Word", "preload", "read_document", "SUFFIXES"]
