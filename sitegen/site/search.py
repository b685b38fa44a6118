"""A build-time search index, sharded so no file grows with the number of disclosures: unit
names with pinyin and initials, and common abbreviations (the client searches it; no server).

Each name gives keys: its Han character pairs, the first two letters of each pinyin syllable
and each pair of pinyin initials. `search/keys/<bucket>.json` maps the keys hashed into that
bucket to the documents holding them; `search/docs/<chunk>.json` holds the documents. The
browser fetches one bucket for its query's first usable key and the chunks of the candidates,
then matches the whole query as before. A key held by more than MAX_POSTINGS documents is too
common to narrow a search and is listed as such (the client tries the query's next key)."""

from __future__ import annotations

import json
import re
from pathlib import Path

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


def index_entry(row: dict) -> list[str]:
    """One document of the index: name, page, year, kind, region, pinyin keys."""
    return [row["name"], row["url"] + "index.html", str(row["year"]), row["kind"], row["region"],
            row["pinyin"] if "pinyin" in row else pinyin_keys(row["name"])]


MAX_POSTINGS = 2000  # documents per key; a commoner key ("局", "中心") narrows nothing
DOCS_PER_CHUNK = 500  # documents per search/docs file (≈ 70 KB)
DOCS_PER_BUCKET = 400  # buckets grow with N so each key file stays ≈ 100 KB
MAX_BUCKETS = 4096
COMMON = 0  # the postings of a key too common to index


def name_keys(name: str) -> set[str]:
    """The keys a name is found by: Han pairs, pinyin syllable prefixes, pairs of initials."""
    from pypinyin import lazy_pinyin

    keys: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", name):
        keys.update(run[i:i + 2] for i in range(len(run) - 1))
        syllables = [p.lower() for p in lazy_pinyin(run)]
        keys.update(p[:2] for p in syllables if len(p) >= 2)
        initials = "".join(p[0] for p in syllables if p)
        keys.update(initials[i:i + 2] for i in range(len(initials) - 1))
    return keys


def key_hash(key: str) -> int:
    """FNV-1a over UTF-16 code units (what JavaScript's charCodeAt gives), 32 bits."""
    h = 2166136261
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ int.from_bytes(data[i:i + 2], "little")) * 16777619) & 0xFFFFFFFF
    return h


def bucket_count(docs: int) -> int:
    n = 1
    while n * DOCS_PER_BUCKET < docs and n < MAX_BUCKETS:
        n *= 2
    return n


def write_search_index(folder: Path, rows: list[dict]) -> list[str]:
    """search/meta.json, search/keys/*.json, search/docs/*.json from the summary rows (in a
    stable order); returns the files written, relative to folder's parent."""
    buckets = bucket_count(len(rows))
    postings: dict[str, list[int]] = {}
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "keys").mkdir(parents=True, exist_ok=True)
    written = []
    for start in range(0, len(rows), DOCS_PER_CHUNK):
        chunk = []
        for i, row in enumerate(rows[start:start + DOCS_PER_CHUNK], start=start):
            entry = index_entry(row)
            chunk.append(entry)
            for key in row.get("keys") or name_keys(row["name"]):
                ids = postings.setdefault(key, [])
                if len(ids) <= MAX_POSTINGS:
                    ids.append(i)
        written.append(_dump(folder, f"docs/{start // DOCS_PER_CHUNK}.json", chunk))
    shards: list[dict[str, object]] = [{} for _ in range(buckets)]
    for key, ids in sorted(postings.items()):
        shards[key_hash(key) % buckets][key] = ids if len(ids) <= MAX_POSTINGS else COMMON
    for n, shard in enumerate(shards):
        written.append(_dump(folder, f"keys/{n}.json", shard))
    meta = {"buckets": buckets, "chunk": DOCS_PER_CHUNK, "docs": len(rows), "synonyms": SYNONYMS}
    written.append(_dump(folder, "meta.json", meta))
    return written


def _dump(folder: Path, rel: str, data) -> str:
    (folder / rel).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return f"{folder.name}/{rel}"
