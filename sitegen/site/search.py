"""What the home page's search finds, and by which keys: unit names (with pinyin, initials
and common abbreviations) and the texts a citizen types about a unit's money: its project
names (项目) and performance indicators (指标). The client searches a static index (no server);
search_index.py writes it in bounded shards."""

from __future__ import annotations

import re

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
_HAN = re.compile(r"[\u4e00-\u9fff]")


def pinyin_keys(text: str) -> str:
    """'焉耆县社会保险中心' → 'yanqixianshehuibaoxianzhongxin yqxshbxzx' (Han characters only)."""
    from pypinyin import Style, lazy_pinyin

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




def name_doc(row: dict) -> list:
    """A unit's document in the names layer: name, page, year, kind, region, pinyin keys."""
    return [row["name"], row["url"] + "index.html", str(row["year"]), row["kind"], row["region"],
            row["pinyin"] if "pinyin" in row else pinyin_keys(row["name"])]


def text_doc(row: dict, texts: list[list[str]]) -> list:
    """A unit's document in the text layer: name, page, year, kind, region, [text, anchor]…"""
    return [row["name"], row["url"] + "index.html", str(row["year"]), row["kind"], row["region"], texts]


def name_keys(name: str) -> set[str]:
    """The keys a name is found by: Han pairs, pinyin syllable prefixes, pairs of initials."""
    from pypinyin import lazy_pinyin

    keys: set[str] = set()
    for run in _HAN_RUN.findall(name):
        keys.update(run[i:i + 2] for i in range(len(run) - 1))
        syllables = [p.lower() for p in lazy_pinyin(run)]
        keys.update(p[:2] for p in syllables if len(p) >= 2)
        initials = "".join(p[0] for p in syllables if p)
        keys.update(initials[i:i + 2] for i in range(len(initials) - 1))
    return keys


def han_pairs(text: str) -> set[str]:
    """The keys a project or indicator text is found by: its Han character pairs."""
    return {run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
MAX_TEXT_CHARS = 6000  # characters of project and indicator text indexed per disclosure
MIN_TEXT_CHARS = 2


def package_texts(projects: list[dict], targets: list[dict]) -> list[list[str]]:
    """[text, anchor] for each distinct project name (表7, anchor: the table) and indicator
    (绩效目标: its project, 三级指标 and a target printed in words; anchor: the targets
    section), in printed order, at most MAX_TEXT_CHARS characters in all."""
    seen: set[str] = set()
    out: list[list[str]] = []
    used = 0
    candidates = [(r.get("project_name", ""), "general_project_expenditure") for r in projects]
    for r in targets:
        candidates += [(r.get("project_name", ""), "targets"), (r.get("level3", ""), "targets")]
        if _HAN_RUN.search(r.get("target", "")):
            candidates.append((r.get("target", ""), "targets"))
    for text, anchor in candidates:
        text = " ".join(str(text or "").split())
        if len(text) < MIN_TEXT_CHARS or text in seen or not _HAN_RUN.search(text):
            continue
        if used + len(text) > MAX_TEXT_CHARS:
            break
        seen.add(text)
        used += len(text)
        out.append([text, anchor])
    return out


def key_hash(key: str) -> int:
    """FNV-1a over UTF-16 code units (what JavaScript's charCodeAt gives), 32 bits."""
    h = 2166136261
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ int.from_bytes(data[i:i + 2], "little")) * 16777619) & 0xFFFFFFFF
    return h
