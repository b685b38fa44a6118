"""Document → Disclosure: the template-aware reading of a whole disclosure."""

from __future__ import annotations

import re

from ..extract.document import Document
from . import template
from .model import Disclosure, ParseError, Source, Table, Warning_
from .narrative import clean_lines, narrative_changes, part, statement_pages, unit_facts
from .performance import read_performance
from .tables import read_tables
from .text_performance import read_text_performance
from .text_tables import read_text_tables

_UNIT_LINE = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称|^部门)\s*[:：]\s*(\S+)")
_YEAR_KIND = re.compile(r"((?:19|20)\d\d)\s*年(?:度)?\s*\S{0,12}?(预算|决算)")


def _find_unit_name(doc: Document) -> str:
    counts: dict[str, int] = {}
    for page in doc.pages:
        for line in page.lines:
            m = _UNIT_LINE.search(line)
            if m:
                name = re.split(r"\s|单位\s*[:：]", m.group(1))[0].strip()
                if name:
                    counts[name] = counts.get(name, 0) + 1
    if counts:
        return max(counts, key=lambda k: counts[k])
    for page in doc.pages[:1]:
        for line in page.lines:
            text = line.strip()
            if text and not _YEAR_KIND.search(text) and len(text) <= 40:
                return text
    return ""


def _find_year_kind(doc: Document) -> tuple[int | None, str]:
    """From the cover: '2025年部门预算公开'; or a year and '年度部门决算' on separate lines."""
    head = [line.replace(" ", "") for page in doc.pages[:3] for line in page.lines][:60]
    for line in head:
        m = _YEAR_KIND.search(line)
        if m:
            return int(m.group(1)), "final" if m.group(2) == "决算" else "budget"
    kind = next(("final" if "决算" in line else "budget" for line in head[:8] if "决算" in line or "预算" in line),
                "budget")
    year = next((int(line[:4]) for line in head[:8] if re.fullmatch(r"(19|20)\d\d(年度?)?", line)), None)
    if year is None:
        every = [line.replace(" ", "") for page in doc.pages for line in page.lines]
        years = [int(y) for line in every for y in re.findall(r"((?:19|20)\d\d)年", line)]
        year = max(set(years), key=years.count) if years else None
    return year, kind


def _empty_table_notes(doc: Document) -> dict[str, str]:
    """Sentences like '…政府性基金预算支出情况表为空表。' keyed by resource."""
    text = "".join(line.strip() for page in doc.pages for line in page.lines)
    notes: dict[str, str] = {}
    at = text.find("为空表")
    while at != -1:
        start = max(text.rfind(ch, 0, at) for ch in "。；;") + 1
        sentence_end = text.find("。", at)
        sentence = text[start:sentence_end + 1 if sentence_end != -1 else at + 3]
        before = text[max(start, at - 40):at]
        for k in range(len(before)):
            resource = template.title_resource(before[k:])
            if resource:
                if resource not in notes:
                    notes[resource] = re.sub(r"^\s*(备注|注)\s*[:：]", "", sentence).strip()
                break
        at = text.find("为空表", at + 3)
    return notes


def parse_document(doc: Document) -> Disclosure:
    """Read the unit, the year and every table of a document."""
    name = _find_unit_name(doc)
    year, kind = _find_year_kind(doc)
    source = Source(path=doc.path, sha256=doc.sha256, pages=doc.page_count, media_type=doc.media_type)
    disclosure = Disclosure(unit={"name": name, "year": year, "kind": kind}, source=source)
    if any(page.positioned for page in doc.pages):
        tables, warnings = read_tables(doc)
    else:
        # text input: the narrative's totals help place numbers whose columns were lost
        warnings = []
        said = narrative_changes(clean_lines(doc), {}, [])
        tables = read_text_tables(doc, said, warnings)
    disclosure.warnings.extend(warnings)
    if not tables:
        raise ParseError(f"{doc.path}: no budget table found (is this a 预算/决算公开 document?)")
    if not name:
        disclosure.warnings.append(Warning_("unit name not found (no 编制部门 line)"))
    if year is None:
        disclosure.warnings.append(Warning_("year not found on the first pages"))
    notes = _empty_table_notes(doc)
    for resource, table in tables.items():
        if not table.note and not table.rows and resource in notes:
            table.note = notes[resource]
        table.note = re.sub(r"^\s*(备注|注)\s*[:：]\s*", "", table.note)
    for resource in template.LAYOUTS:
        if resource not in tables:
            disclosure.warnings.append(Warning_(f"table not found: {resource}"))
    disclosure.tables = tables
    lines = clean_lines(doc)
    disclosure.narrative = "".join(part(lines, "三"))
    disclosure.unit.update(unit_facts(lines, disclosure.warnings))
    disclosure.records["narrative_changes"] = narrative_changes(
        lines, {name: t.rows for name, t in tables.items()}, disclosure.warnings
    )
    if any(page.positioned for page in doc.pages):
        statement_pages(doc, disclosure.records["narrative_changes"])
        disclosure.records["performance_targets"] = read_performance(doc, disclosure.warnings)
    else:
        disclosure.records["performance_targets"] = read_text_performance(doc, disclosure.warnings)
    return disclosure


__all__ = ["parse_document", "Table"]
