"""Unit, year and kind of a disclosure, from the document's own words, cross-checked.

Two kinds of evidence:

- the **title** on the cover or first page: ``长沙市信访局 / 2026 年部门预算公开``,
  ``国家信访局 年度部门预算 / 2026``, ``2019 年佛山市轨道交通局部门决算``,
  ``中共西安市委宣传部 2021 年部门综合预算``: the name is what is left of the title line once
  the year and the kind phrase are removed, else the line just above it; the year is the one the
  title block states;
- the **labelled lines** on the tables: ``编制单位：…``, ``部门名称：…``, ``预算主管部门：…``.

A candidate that is no name (a table title, a year, punctuation, ``年度``) is rejected. When title
and labelled lines disagree, the title's word is kept and a warning says so. A collection title
(``上海市2026年市级单位预算``) names no unit; the labelled lines do.
"""

from __future__ import annotations

import re
from collections import Counter

from ..extract.document import Document
from .model import Warning_

TITLE_PAGES = 2  # the title block is on the cover or the first page after it
TITLE_PAGE_LINES = 15  # a title is printed near the top of its page
TITLE_BLOCK_LINES = 3  # lines after the title line that may still hold its year ("2026")
LABEL = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称|预算主管部门|预算单位|^部门)\s*[:：]\s*(\S+)")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?\s*度?")
_KIND_PHRASE = re.compile(r"(?:年度?)?(?:区级|市级|县级|省级)?(?:部门|单位)?(?:综合)?(预算|决算)(?:公开|情况说明|报告|报表|编制说明)?.*$")
_TITLE_WORDS = re.compile(r"(?:部门|单位|综合)(?:预算|决算)|(?:预算|决算)(?:公开|情况说明)|年度?(?:预算|决算)")
_LEVEL = re.compile(r"区级|市级|县级|省级")
_NOT_NAME = re.compile(r"^(?:项目|科目|合计|总计|单位|部门|金额)$|^[（(]?[一二三四五六七八九十]+[)）、]|表$|^[\d\s.,，。:：、()（）\-—]*$|^年度?$|目录|说明|预算|决算|^第.部分|单位[:：]|^\d")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_name(text: str) -> bool:
    """A plausible unit name: Chinese, 2–40 characters, not a table title, a year or a heading."""
    text = text.strip()
    return 2 <= len(text) <= 40 and bool(_CJK.search(text)) and not _NOT_NAME.search(text)


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("：:，,。. ")


def labelled_names(doc: Document) -> Counter:
    """Names on 编制单位/部门名称/… lines, counted over the whole document."""
    counts: Counter = Counter()
    for page in doc.pages:
        for line in page.lines:
            m = LABEL.search(line)
            if m:
                name = _clean(re.split(r"\s|单位\s*[:：]|金额单位", m.group(1))[0])
                if is_name(name):
                    counts[name] += 1
    return counts


def _title_line(doc: Document) -> tuple[list[str], int] | None:
    """The page lines and index of the first cover/title line naming 预算 or 决算 (not a table title)."""
    for page in doc.pages[:TITLE_PAGES]:
        lines = [line.strip() for line in page.lines if line.strip()][:TITLE_PAGE_LINES]
        for i, line in enumerate(lines):
            text = _clean(line)
            if _TITLE_WORDS.search(text) and not text.endswith("表") and "目录" not in text \
                    and not re.search(r"[。；，,]|第.部分|\.{3}|万元", text) and len(text) <= 50:
                return lines, i
    return None


def title_facts(doc: Document) -> tuple[str, int | None, str | None]:
    """(name, year, kind) the title block states; '' / None where it does not."""
    found = _title_line(doc)
    if found is None:
        return "", None, None
    lines, i = found
    text = _clean(lines[i])
    kind = "final" if "决算" in text else "budget"
    block = [_clean(x) for x in lines[max(0, i - 1): i + 1 + TITLE_BLOCK_LINES]]
    year = next((int(m.group(1)) for x in [text, *block] if (m := _YEAR.search(x))), None)
    if _LEVEL.match(text) or _LEVEL.match(re.sub(r"^.*?(?:19|20)\d\d\s*年?度?", "", text)):
        return "", year, kind  # 上海市2026年市级单位预算: a collection, the unit is named elsewhere
    name = _clean(_KIND_PHRASE.sub("", _YEAR.sub("", text)))
    if not is_name(name) and i > 0:
        name = _clean(lines[i - 1])
    return (name if is_name(name) else ""), year, kind


def table_title_year(doc: Document) -> int | None:
    """The year printed in table titles (2026年部门收支总体情况表), the most frequent one."""
    years = Counter(int(m.group(1)) for page in doc.pages for line in page.lines
                    if _clean(line).endswith("表") and (m := re.search(r"((?:19|20)\d\d)年", _clean(line))))
    return years.most_common(1)[0][0] if years else None


def identify(doc: Document, warnings: list[Warning_]) -> tuple[str, int | None, str]:
    """(unit name, year, kind) of a document, with a warning where the evidence disagrees or is missing."""
    title_name, year, kind = title_facts(doc)
    labelled = labelled_names(doc)
    label_name = labelled.most_common(1)[0][0] if labelled else ""
    name = title_name or label_name
    if title_name and label_name and title_name != label_name and title_name not in label_name:
        warnings.append(Warning_(f"the title names the unit {title_name!r}, the tables' labelled lines "
                                 f"{label_name!r}; kept the title's"))
    if not name:
        warnings.append(Warning_("unit name not found on a title or a 编制单位 line; set it in metadata.toml "
                                 "(unit = \"…\")"))
    tables_year = table_title_year(doc)
    if year is None:
        year = tables_year
    elif tables_year is not None and tables_year != year:
        warnings.append(Warning_(f"the title states {year}, the table titles {tables_year}; kept the title's"))
    if year is None:
        warnings.append(Warning_("no title or table title states the year; set it in metadata.toml (year = …)"))
    if kind is None:
        kind = "final" if any("决算" in line for page in doc.pages[:3] for line in page.lines[:5]) else "budget"
    return name, year, kind
