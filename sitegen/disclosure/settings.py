"""Layout thresholds of the PDF reading, declared once (as pdfplumber's table settings are).

Distances are in PDF points (1/72 inch); ratios are fractions of a span.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutSettings:
    rule_cover: float = 0.5
    """A vertical rule drawn cell by cell is a column edge when its segments cover this share
    of the body's height (one segment per cell leaves 1 pt gaps between rows)."""

    title_scale: float = 1.2
    """A line printed this much larger than the page's median word is a candidate title."""

    contents_run: int = 3
    """This many table titles printed one right under the other (no table between them) are
    a list of contents, never tables."""

    title_wrap_gap: float = 1.5
    """A title's second line starts within this many line heights under its first line."""

    numeric_share: float = 0.6
    """A column whose non-empty cells are at least this share of amounts holds amounts,
    not labels (a two-sided table's extra amount columns)."""

    max_label_chars: int = 60
    """No subject, item or project name printed in a budget table is longer: a longer label
    with no amount is several rows glued together (a text export that lost the row breaks)."""

    footer_zone: float = 0.85
    """A page-number line is a footer only below this share of the page height."""

    row_rule_cover: float = 0.5
    """A horizontal rule separates body rows when it spans this share of the table's width
    (grids drawn cell by cell join into one rule)."""

    header_rule_cover: float = 0.6
    """The rule under the header spans this share of the header's width; lines below it are
    the first row's wrapped label, not header."""

    total_zone: float = 0.5
    """A line printing only a total label (合计, `合 计`) that ends in this left share of the
    table is a blank total row (an empty table's), not a header cell: header cells named
    合计 head an amount column, right of the label columns."""

    wrap_gap_margin: float = 2.0
    """Without rules, a line belongs to the first row when it sits this many points closer
    to that row than to the header line above it."""

    spaced_label_gap: float = 3.0
    """Two lone header characters at most this many character widths apart, with body words
    running across the gap, are one label printed spaced out (`项 目`), not two columns."""

    code_glue_gap: float = 0.4
    """A 3-digit code at most this many text heights (a space) before a label is that label's
    code, printed in its cell (`210 卫生健康支出`); cells are padded further apart than this."""

    header_level_gap: float = 1.0
    """Without vertical rules, a header label with another one under it more than this many
    text heights apart (a blank line) heads a row of its own: a parent over spanned columns.
    The lines of one wrapped label are closer (line spacing up to 1.5 leaves half a height)."""

    wrap_line_gap: float = 0.5
    """The lines of one wrapped header label follow at most this many text heights apart (line
    spacing up to 1.5); a label centred under a parent a little further down is its child."""

    parent_centre_slack: float = 1.5
    """Points of slack when a rule-less parent label is matched to the centre of the columns
    it spans (the columns' edges are only known to lie in the gaps between their contents)."""

    parent_choices: int = 256
    """At most this many combinations of runs are tried for the parents of one rule-less header
    (each parent keeps its best-centred runs): a header has a few parents, each a few runs."""

    label_align: float = 1.5
    """Points within which a label-only line starts where the labels of the rows under it start
    (left-aligned labels): on a page without a header, such a line is a row, not a header."""


SETTINGS = LayoutSettings()
