"""The parser's notes said in Chinese for the unit page (where reading fell short, with its page).

The parser writes its notes in English for maintainers (`sitegen.warnings` in datapackage.json,
shown in full on the quality page). Notes of a known shape are said again here in plain Chinese;
`table not found` notes are left out (the page lists the tables it could not find), and the rest
are only counted, with a pointer to the quality page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHERE = r"^(?P<table>[^,]+), page (?P<page>\d+): "
PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(_WHERE + r"cell '(?P<cell>[^']*)'(?: under '[^']*')? is not a number; left empty$"),
     "「{table}」中的“{cell}”不是数字，该格留空"),
    (re.compile(_WHERE + r"columns \[(?P<cols>.*)\] have no contract field; published as an extra table$"),
     "「{table}」的列 {cols} 没有对应的统一口径字段，整表按原表列示"),
    (re.compile(_WHERE + r"header has no contract column; published as an extra table$"),
     "「{table}」的表头无法对应到统一口径，整表按原表列示"),
    (re.compile(_WHERE + r"unknown column '(?P<cell>[^']*)' \(empty\) ignored$"),
     "「{table}」中的空列“{cell}”未收录"),
    (re.compile(_WHERE + r"code part printed as one digit in (?P<cell>\S+); read as two .*$"),
     "「{table}」的科目编码 {cell} 有一位数的写法，按两位读取"),
    (re.compile(r"^第一部分 主要职能 not found$"), "未找到第一部分（主要职能）"),
    (re.compile(r"^第三部分 \(情况说明\) not found; no narrative_changes$"),
     "未找到第三部分（情况说明），因此没有增减变化及原因"),
)
SKIPPED = re.compile(r"^table not found: ")


@dataclass
class Note:
    text: str
    page: str
    table: str = ""  # the printed title of the table the note is about


def reading_notes(warnings: list[str]) -> tuple[list[Note], int]:
    """(notes said in Chinese, how many other technical notes there are)."""
    notes, other = [], 0
    for warning in warnings:
        if SKIPPED.match(warning):
            continue
        for rx, template in PATTERNS:
            m = rx.match(warning)
            if m:
                fields = {k: v for k, v in m.groupdict().items() if v is not None}
                if "cols" in fields:
                    fields["cols"] = "、".join(f"“{c}”" for c in re.findall(r"'([^']*)'", fields["cols"]))
                notes.append(Note(template.format(**fields), fields.get("page", ""), fields.get("table", "")))
                break
        else:
            other += 1
    return notes, other
