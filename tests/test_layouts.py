"""Issue 14's layout generator: the corpus truth rendered in layouts nobody parsed before.

Each seed draws a layout (rules or none, portrait/landscape, 9–12 pt, column widths, part
column order, header wordings, code forms, separators, 合计 top/bottom, page breaks with or
without repeated headers, alignment; see tests/layoutgen.py) and the reading must equal the
truth CSV cell by cell. A longer run: `python bench/layouts.py --seeds 1000`.
"""

from __future__ import annotations

import pytest
from layoutgen import ordered_rows, random_layout, render
from test_tables_pdf import _total_last, _value

from sitegen.disclosure import parse_document
from sitegen.extract import read_document
from sitegen.package.schemas import BY_NAME

SEEDS = range(120)
# Known failures, kept honest rather than hidden.
XFAIL = {
    24: "left-aligned amounts under a spanning header, no rules: 人员/公用 columns undecided on the page "
        "that sets the columns (every row there has one part), wrong on the next page (no repeated header)",
}


def cell_diffs(seed: int, folder) -> tuple[str, list[str]]:
    layout = random_layout(seed)
    path = folder / f"layout-{seed}.pdf"
    render(layout, path)
    d = parse_document(read_document(path))
    table = d.tables.get(layout.resource)
    expected = _total_last(ordered_rows(layout))
    got = _total_last(table.rows if table else [])
    diffs = []
    for i in range(max(len(expected), len(got))):
        e = expected[i] if i < len(expected) else {}
        g = got[i] if i < len(got) else {}
        for column in BY_NAME[layout.resource].field_names:
            if _value(e.get(column)) != _value(g.get(column)):
                diffs.append(f"row {i + 1} {column}: expected {e.get(column)!r}, got {g.get(column)!r}")
    return layout.describe(), diffs


@pytest.mark.parametrize(
    "seed", [pytest.param(s, marks=pytest.mark.xfail(reason=XFAIL[s], strict=True)) if s in XFAIL else s
             for s in SEEDS])
def test_generated_layout_reads_cell_exact(seed, tmp_path):
    described, diffs = cell_diffs(seed, tmp_path)
    assert not diffs, described + "\n" + "\n".join(diffs[:20])


def test_the_seeds_cover_every_printing_choice():
    layouts = [random_layout(s) for s in SEEDS]
    assert {lay.rules for lay in layouts} == {"grid", "horizontal", "none"}
    assert {lay.code_form for lay in layouts} == {"digits", "spaced", "bracketed", "columns", "columns_alone"}
    assert {lay.align for lay in layouts} == {"left", "right", "center"}
    assert {lay.landscape for lay in layouts} == {True, False}
    assert {lay.separators for lay in layouts} == {True, False}
    assert {lay.total_top for lay in layouts} == {True, False}
    assert {lay.repeat_header for lay in layouts} == {True, False}
    assert {lay.swap_parts for lay in layouts} == {True, False}
    assert {lay.doc for lay in layouts} == {"002", "003", "004"}
    assert len({lay.resource for lay in layouts}) == 3
    assert min(lay.size for lay in layouts) == 9 and max(lay.size for lay in layouts) == 12
    assert any(lay.rows_per_page < len(ordered_rows(lay)) for lay in layouts)  # page breaks inside tables
