"""Property tests: mutated disclosures never crash the parser with anything but ParseError."""

from __future__ import annotations

import copy
import dataclasses

from conftest import FIXTURES, pdf_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.disclosure import ParseError, parse_document
from sitegen.disclosure.narrative import clean_lines, narrative_changes, unit_facts
from sitegen.extract import read_document
from sitegen.extract.document import Page

PDF_DOC = read_document(pdf_path("004", "B"))
TEXT_LINES = (FIXTURES / "002" / "source.txt").read_text(encoding="utf-8").splitlines()
NOISE = st.text(alphabet=st.sampled_from(list("0123456789.,-%（）()：:、。 表合计总计类款项万元一二三※")), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_pdf_words_never_crash(data):
    doc = copy.deepcopy(PDF_DOC)
    for _ in range(data.draw(st.integers(1, 40))):
        page = data.draw(st.sampled_from(doc.pages))
        if not page.words:
            continue
        i = data.draw(st.integers(0, len(page.words) - 1))
        action = data.draw(st.sampled_from(["replace", "delete", "move", "duplicate"]))
        word = page.words[i]
        if action == "replace":
            page.words[i] = dataclasses.replace(word, text=data.draw(NOISE) or "0")
        elif action == "delete":
            del page.words[i]
        elif action == "move":
            dx = data.draw(st.floats(-80, 80))
            page.words[i] = dataclasses.replace(word, x0=word.x0 + dx, x1=word.x1 + dx)
        else:
            page.words.insert(i, word)
    for page in doc.pages:
        page.lines = [" ".join(w.text for w in page.words[k:k + 8]) for k in range(0, len(page.words), 8)]
    try:
        parse_document(doc)
    except ParseError:
        pass


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, len(TEXT_LINES) - 1), NOISE), max_size=30),
       cut=st.integers(0, len(TEXT_LINES)))
def test_mutated_text_never_crashes(edits, cut):
    lines = list(TEXT_LINES[:cut] if cut % 3 == 0 else TEXT_LINES)
    for index, noise in edits:
        if index < len(lines):
            lines[index] = lines[index][: len(noise)] + noise
    doc = dataclasses.replace(PDF_DOC, pages=[Page(1, lines=lines)])
    warnings = []
    cleaned = clean_lines(doc)
    unit_facts(cleaned, warnings)
    narrative_changes(cleaned, {}, warnings)
    try:
        parse_document(doc)  # the text front end: tables placed by arithmetic
    except ParseError:
        pass
