"""Narrative lines from positioned pages: a number printed in another font sits a little lower
than the Song-font text of its line; it is read in its place, not as a line of its own.
Both cases checked on the rendered pages."""

from __future__ import annotations

from conftest import real_pdf

from sitegen.extract import read_document
from sitegen.extract.document import Word
from sitegen.extract.lines import words_to_lines


def _squeezed(doc, number: int) -> str:
    page = next(p for p in doc.pages if p.number == number)
    return "".join("".join(line.split()) for line in page.lines)


def test_numbers_in_another_font_stay_in_their_sentence_renwu22_p23():
    # printed: "人员经费 7,504.62 万元，主要包括：基本工资、津贴补贴、…" on one line
    text = _squeezed(read_document(real_pdf("renwu-22")), 23)
    assert "人员经费7,504.62万元，主要包括：基本工资、津贴补贴" in text
    assert "津贴补7" not in text


def test_final_accounts_narrative_numbers_in_place_govbudgetchecker06_p22():
    # printed: "年初预算为 85.55 万元，支出决算为84.65万元。"
    text = _squeezed(read_document(real_pdf("govbudgetchecker-06")), 22)
    assert "年初预算为85.55万元，支出决算为84.65万元" in text


def _word(text: str, x0: float, top: float, height: float = 12) -> Word:
    return Word(text=text, x0=x0, x1=x0 + 10 * len(text), top=top, bottom=top + height)


def test_rows_of_a_table_stay_apart():
    """Two lines whose words cover the same stretch are two lines, however close."""
    words = [_word("合计", 50, 100), _word("12.00", 200, 100), _word("工资", 50, 104), _word("3.00", 200, 104)]
    assert words_to_lines(words) == ["合计 12.00", "工资 3.00"]


def test_a_lowered_number_joins_its_line():
    words = [_word("支出", 50, 100), _word("9.50", 75, 104.5), _word("万元", 120, 100)]
    assert words_to_lines(words) == ["支出 9.50 万元"]


def test_an_amount_glued_onto_a_name_is_split_only_when_the_row_then_adds_up():
    """A text export prints `自治区财政社保经办机构业务补助经费3 3` (the project name and the total
    3 with no space between): split, the row is total 3 = part 3; a name ending in a digit whose
    row already adds up stays as printed."""
    from decimal import Decimal as D

    from sitegen.disclosure.text_tables import _unglue

    assert _unglue(["其他人力资源和社会保障管理事务", "自治区财政社保经办机构业务补助经费3"], [D("3")], 1) == (
        ["其他人力资源和社会保障管理事务", "自治区财政社保经办机构业务补助经费"], [D("3"), D("3")])
    assert _unglue(["退休人员生活补助项目4.00"], [D("4.00")], 0) == (["退休人员生活补助项目"], [D("4.00"), D("4.00")])
    assert _unglue(["二期工程3"], [D("5"), D("2"), D("3")], 0) == (["二期工程3"], [D("5"), D("2"), D("3")])
    assert _unglue(["二期工程3"], [D("5")], 0) == (["二期工程3"], [D("5")])  # 3 + 5 adds up to nothing
