"""Ruling lines from pdfminer's layout shapes: pdfplumber's `page.edges`, computed directly.

pdfplumber first turns every shape into a dict of some twenty resolved attributes (colours, the
path, …) and then into edge dicts; the reader needs only each edge's orientation and box. The
same arithmetic is done here on the shape itself, with the same operations in the same order,
so the coordinates come out bit for bit as pdfplumber's (tests/test_extract_pdf.py compares them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pdfminer.layout import LTCurve, LTLine, LTRect

from .document import Rule


@dataclass(frozen=True, slots=True)
class Frame:
    """How pdfplumber maps pdfminer's coordinates (origin bottom-left, relative to the MediaBox)
    to the page's (origin top-left): the page height and its `mediabox` x0 and top."""

    height: float
    mb_x0: float
    mb_top: float

    def box(self, obj) -> tuple[float, float, float, float]:
        """x0, x1, top, bottom of a layout object, as pdfplumber's `process_object` computes them."""
        return (obj.x0 + self.mb_x0, obj.x1 + self.mb_x0,
                (self.height - obj.y1) + self.mb_top, (self.height - obj.y0) + self.mb_top)

    def point(self, pt: tuple[float, float]) -> tuple[float, float]:
        """A path point, as pdfplumber's `point2coord`."""
        return (self.mb_x0 + pt[0], self.mb_top + self.height - pt[1])


def _rule(orientation: str, x0: float, x1: float, top: float, bottom: float) -> Rule:
    return Rule(orientation, float(x0), float(x1), float(top), float(bottom))


def _line(obj: LTLine, frame: Frame) -> list[Rule]:
    x0, x1, top, bottom = frame.box(obj)
    return [_rule("h" if top == bottom else "v", x0, x1, top, bottom)]


def _rect(obj: LTRect, frame: Frame) -> list[Rule]:
    """The four sides, top, bottom, left, right (pdfplumber's `rect_to_edges`)."""
    x0, x1, top, bottom = frame.box(obj)
    return [_rule("h", x0, x1, top, top), _rule("h", x0, x1, top + obj.height, bottom),
            _rule("v", x0, x0, top, bottom), _rule("v", x1, x1, top, bottom)]


def _curve(obj: LTCurve, frame: Frame) -> list[Rule]:
    """Each straight segment between consecutive points; slanted ones are not rules."""
    pts = [frame.point(pt) for pt in obj.pts]
    rules = []
    for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        if orientation:
            rules.append(_rule(orientation, min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)))
    return rules


_WHITE = ((1,), (1, 1, 1), (0, 0, 0, 0))  # grey, RGB, CMYK


def invisible(obj: LTCurve) -> bool:
    """A white cell background (a rectangle filled white, no stroke; spreadsheet exports paint one
    behind every cell, also inside merged rows): its edges are no printed line."""
    if not isinstance(obj, LTRect) or obj.stroke or not obj.fill:
        return False
    color = obj.non_stroking_color
    color = tuple(color) if isinstance(color, (list, tuple)) else (color,)
    return tuple(float(c) for c in color if isinstance(c, (int, float))) in _WHITE


def shape_rules(shapes: Iterable[LTCurve], frame: Frame) -> list[Rule]:
    """Rules of all shapes in pdfplumber's order: lines, then rectangles, then other curves;
    white cell backgrounds left out."""
    lines: list[Rule] = []
    rects: list[Rule] = []
    curves: list[Rule] = []
    for obj in shapes:
        if invisible(obj):
            continue
        if isinstance(obj, LTLine):
            lines += _line(obj, frame)
        elif isinstance(obj, LTRect):
            rects += _rect(obj, frame)
        else:
            curves += _curve(obj, frame)
    return lines + rects + curves
