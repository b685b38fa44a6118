"""The layout-neutral document every front end produces."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Word:
    """A run of text with its box in page coordinates (points, origin top-left)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line: horizontal (y fixed, x0..x1) or vertical (x fixed, top..bottom)."""

    orientation: str  # "h" or "v"
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class Page:
    """One page. Text front ends fill `lines` only; the PDF front end fills everything."""

    number: int  # 1-based
    width: float = 0.0
    height: float = 0.0
    words: list[Word] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def positioned(self) -> bool:
        return bool(self.words)


@dataclass(slots=True)
class Document:
    """What a front end read: pages, plus facts about the source file."""

    path: str
    sha256: str
    pages: list[Page]
    media_type: str  # "application/pdf" or "text/plain"

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def text(self) -> str:
        """All lines of all pages, one per line."""
        return "\n".join(line for page in self.pages for line in page.lines)


class ExtractError(Exception):
    """A file that cannot be read as a disclosure; carries file, page and reason."""

    def __init__(self, path: str, reason: str, page: int | None = None):
        self.path = path
        self.reason = reason
        self.page = page
        where = f"{path}" + (f", page {page}" if page else "")
        super().__init__(f"{where}: {reason}")
