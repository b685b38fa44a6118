"""Document → Disclosure: the template-aware reading of a whole disclosure."""

from __future__ import annotations

import re

from ..contract import BY_NAME, table_resources
from ..extract.document import Document
from . import template, three_public
from .identity import identify
from .model import Disclosure, ParseError, Source, Table, Warning_
from .narrative import clean_lines, narrative_changes, part, statement_pages, unit_facts
from .performance import read_performance
from .reading import finish
from .tables import read_tables
from .text_performance import read_text_performance
from .text_tables import read_text_tables


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


def _mark_unprinted(tables: dict[str, Table]) -> None:
    """Each contract table's value fields its printed header does not have (not printed ≠ printed blank)."""
    for name, table in tables.items():
        if name in BY_NAME and table.columns:
            table.unprinted = [f.name for f in BY_NAME[name].value_fields if f.name not in table.columns]


def _is_narrative(doc: Document, name: str) -> bool:
    """A 情况说明 without tables: it names its unit and prints the narrative's parts (第一部分 …)."""
    lines = clean_lines(doc)
    return bool(name) and bool(part(lines, "一") or part(lines, "三"))


def _three_public_fact(disclosure: Disclosure) -> None:
    """unit.other.three_public_total (万元) from the 三公 lines of the 三公 table, where it is printed."""
    for resource, column in (("three_public_expenses", "total"), ("final_three_public_expenses", "final")):
        table = disclosure.tables.get(resource)
        value = three_public.in_wan(three_public.three_public_total(table.rows, column), table.unit) if table else None
        if value is None:
            continue
        other = disclosure.unit.setdefault("other", {})
        said = other.get("three_public_total")
        if said is not None and said != value:
            disclosure.warnings.append(Warning_(f"the narrative's 三公 figure {said} differs from the table's {value}; "
                                                "the table's is published", None, table.title))
        other["three_public_total"] = value


def parse_document(doc: Document) -> Disclosure:
    """Read the unit, the year and every table of a document."""
    found: list[Warning_] = []
    name, year, kind = identify(doc, found)
    source = Source(path=doc.path, sha256=doc.sha256, pages=doc.page_count, media_type=doc.media_type)
    disclosure = Disclosure(unit={"name": name, "year": year, "kind": kind}, source=source, warnings=found)
    if any(page.positioned for page in doc.pages):
        tables, warnings = read_tables(doc)
    else:
        # text input: the narrative's totals help place numbers whose columns were lost
        warnings = []
        said = narrative_changes(clean_lines(doc), {}, [])
        tables = read_text_tables(doc, said, warnings)
    finish(tables, warnings)
    disclosure.warnings.extend(warnings)
    if not tables and not _is_narrative(doc, name):
        raise ParseError(f"{doc.path}: no budget table found (is this a 预算/决算公开 document?)")
    if not tables:
        disclosure.warnings.append(Warning_(
            "this document prints no budget tables (a narrative published without its tables): the package "
            "holds the unit facts, the narrative's figures and the performance targets; the tables are absent"))
    notes = _empty_table_notes(doc)
    for resource, table in tables.items():
        if not table.note and not table.rows and resource in notes:
            table.note = notes[resource]
        table.note = re.sub(r"^\s*([（(])?\s*(备注|注)\s*[:：]\s*(.*?)(?(1)[)）]?)$", r"\3", table.note)
    for resource in (r.name for r in table_resources(kind)):
        if resource not in tables:
            disclosure.warnings.append(Warning_(f"table not found: {resource}"))
    disclosure.tables = tables
    _mark_unprinted(tables)
    lines = clean_lines(doc)
    disclosure.narrative = "".join(part(lines, "三"))
    disclosure.unit.update(unit_facts(lines, disclosure.warnings))
    _three_public_fact(disclosure)
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
