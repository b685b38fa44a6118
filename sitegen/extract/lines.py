"""Group positioned words into text lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import Word

_ASCII_WORD = re.compile(r"[0-9A-Za-z%.,]$")


def cluster_lines(words: Iterable[Word], tolerance: float = 2.5) -> list[list[Word]]:
    """Words whose vertical middles lie within `tolerance` form a line, sorted left to right."""
    lines: list[list[Word]] = []
    mids: list[float] = []
    for word in sorted(words, key=lambda w: (w.ymid, w.x0)):
        if lines and abs(word.ymid - mids[-1]) <= tolerance:
            lines[-1].append(word)
            mids[-1] = sum(w.ymid for w in lines[-1]) / len(lines[-1])
        else:
            lines.append([word])
            mids.append(word.ymid)
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def join_words(words: list[Word], gap: float = 3.5) -> str:
    """Join words left to right; a space only where the gap is wide."""
    out = ""
    prev: Word | None = None
    for word in words:
        if prev is not None and word.x0 - prev.x1 > gap:
            out += " "
        out += word.text
        prev = word
    return out


def join_cell(words: list[Word]) -> str:
    """Join the words of one table cell in reading order, dropping wrap breaks."""
    out = ""
    for line in cluster_lines(words):
        for word in line:
            if out and _ASCII_WORD.search(out) and word.text[:1].isascii() and word.text[:1].isalnum():
                out += " "
            out += word.text
    return out


def words_to_lines(words: list[Word]) -> list[str]:
    """The page's text lines. A word printed in another font sits a little higher or lower
    than the text around it (Latin digits in a Song-font sentence); it belongs to the line its
    box overlaps for most of its height, not to a line of its own."""
    return [join_words(line) for line in _merge_overlapping(cluster_lines(words))]


def _merge_overlapping(lines: list[list[Word]], share: float = 0.6) -> list[list[Word]]:
    out: list[list[Word]] = []
    for line in lines:
        if out:
            prev = out[-1]
            top, bottom = max(min(w.top for w in prev), min(w.top for w in line)), \
                min(max(w.bottom for w in prev), max(w.bottom for w in line))
            height = min(max(w.bottom for w in ws) - min(w.top for w in ws) for ws in (prev, line))
            if height > 0 and bottom - top >= share * height and not _overlap_x(prev, line):
                out[-1] = sorted(prev + line, key=lambda w: w.x0)
                continue
        out.append(line)
    return out


def _overlap_x(a: list[Word], b: list[Word]) -> bool:
    """Two lines whose words cover the same horizontal stretch are two lines (a table's rows)."""
    return any(u.x0 < v.x1 - 2 and v.x0 < u.x1 - 2 for u in a for v in b)
