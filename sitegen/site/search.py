"""A build-time search index: unit names with pinyin and initials, common abbreviations,
and the text of projects and performance targets (the client searches it; no server)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pypinyin import Style, lazy_pinyin

if TYPE_CHECKING:
    from .views import PackageView

# Abbreviations people type → the words documents print (one line each; both directions match).
SYNONYMS = {
    "社保": "社会保险",
    "医保": "医疗保障",
    "人社": "人力资源和社会保障",
    "住建": "住房和城乡建设",
    "发改": "发展和改革",
    "卫健": "卫生健康",
    "市监": "市场监督管理",
    "自然资源局": "自然资源",
    "政法委": "政法委员会",
    "检察": "检察院",
    "财政": "财政局",
    "街道": "街道办事处",
    "三公": "“三公”经费",
}
MAX_TEXTS = 400  # project and target texts per document kept in the index (page weight)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def pinyin_keys(text: str) -> str:
    """'焉耆县社会保险中心' → 'yanqixianshehuibaoxianzhongxin yqxshbxzx' (Han characters only)."""
    han = "".join(_HAN.findall(text))
    if not han:
        return ""
    full = "".join(lazy_pinyin(han))
    initials = "".join(p[0] for p in lazy_pinyin(han, style=Style.FIRST_LETTER) if p)
    return f"{full} {initials}".lower()


def search_text(*parts: str) -> str:
    """What a unit row is matched against: the parts, their pinyin and initials."""
    text = " ".join(p for p in parts if p)
    return f"{text} {pinyin_keys(parts[0] if parts else '')}".strip()


def document_texts(pkg: PackageView) -> list[str]:
    """Project names and target indicators of one document, deduplicated, in document order."""
    seen: dict[str, None] = {}
    for row in pkg.rows("general_project_expenditure"):
        if row.get("project_name"):
            seen.setdefault(row["project_name"], None)
    for row in pkg.rows("performance_targets"):
        for key in ("project_name", "level3"):
            if row.get(key):
                seen.setdefault(row[key], None)
    return list(seen)[:MAX_TEXTS]


def index_entry(row: dict, texts: list[str]) -> dict:
    return {
        "n": row["name"],
        "u": row["url"] + "index.html",
        "y": str(row["year"]),
        "k": row["kind"],
        "r": row["region"],
        "p": pinyin_keys(row["name"]),
        "t": texts,
    }
