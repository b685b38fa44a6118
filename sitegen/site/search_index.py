"""The home page's search index in bounded shards, rewritten only where an edit touches it.

Two layers under search/: `names/` (unit names, pinyin) and `text/` (project and indicator
texts). In each, a disclosure's document lives in chunk crc32(page) mod C
(`<layer>/docs/<c>.json`, sorted by page), and each key lists the chunks holding it
(`<layer>/keys/<b>.json`, b = key_hash(key) mod B). C and B are powers of two sized from N
(and kept while the documents per chunk stay within a factor of the target), so no file grows
with N. The browser reads meta.json, the buckets of a few of the query's keys, intersects
their chunk lists and reads at most MAX_FETCH of those chunks to match the whole query.

The cache keeps each layer's C, B and a digest of each chunk's members; a build rewrites the
chunks whose members changed or hold a changed package, and only the buckets of keys that
entered or left them. Every other file is left as it is (render._publish moves the new
files into the published folder and removes the stale ones).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .search import SYNONYMS, han_pairs, key_hash, name_keys

MAX_FILES = 1 << 16  # chunks or buckets per layer
MAX_FETCH = 8  # chunks the browser reads for one query; more candidates: "narrow your search"
SLACK = 4  # a layer keeps its size while documents per chunk stay within target / SLACK … target × 2


@dataclass(frozen=True)
class Layer:
    name: str
    per_chunk: int  # documents per chunk aimed at
    chunks_per_bucket: int  # the keys of this many chunks per bucket file
    keys: Callable[[list], set[str]]


def _text_keys(doc: list) -> set[str]:
    keys: set[str] = set()
    for text, _ in doc[5]:
        keys |= han_pairs(text)
    return keys


NAMES = Layer("names", 512, 4, lambda doc: name_keys(doc[0]))  # ≈ 75 KB a chunk
TEXT = Layer("text", 64, 8, _text_keys)  # ≈ 150 KB a chunk at 2 KB of text a disclosure
LAYERS = (NAMES, TEXT)


def size_for(count: int, per: int, old: int | None = None) -> int:
    """A power of two n with about `per` items in each of n parts; the old n while it fits."""
    if old and count and per / SLACK <= count / old <= per * 2:
        return old
    n = 1
    while n * per < count and n < MAX_FILES:
        n *= 2
    return n


def chunk_of(page: str, chunks: int) -> int:
    return zlib.crc32(page.encode("utf-8")) % chunks


def _digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


class SearchIndex:
    """write() the index of a build into `new`, reusing `old` (last build's search/) when the
    cache's state says it was made from the state saved there; save() after publishing."""

    def __init__(self, old: Path | None, new: Path, state_file: Path | None):
        self.old, self.new, self.state_file = old, Path(new), state_file
        state = _read(state_file) if state_file else None
        meta = _read(old / "meta.json") if old else None
        valid = isinstance(state, dict) and isinstance(meta, dict) and meta.get("stamp") == state.get("stamp")
        self.before: dict = state.get("layers", {}) if valid else {}  # type: ignore[union-attr]
        self.after: dict = {}
        self.rewritten: list[str] = []  # files written anew (relative to new)
        self.files: set[str] = {"meta.json"}  # every file of this index (relative to new)
        self.emptied: set[str] = set()  # chunks that lost all their documents
        self.complete = True  # every layer updated in place: emptied chunks are all that is stale

    def stale(self) -> set[str] | None:
        """Last index's files this one does not have; None when they must be found by listing."""
        return set(self.emptied) if self.complete else None

    def write(self, pages: list[str], fresh: dict[str, dict[str, list]], load: Callable[[str, str], list]) -> None:
        """pages: every document's page; fresh: the documents ({layer: doc}) of the packages
        that changed since the last build; load(page, layer): the document of any other package."""
        for layer in LAYERS:
            self.after[layer.name] = self._layer(layer, pages, fresh, load)
        stamp = _digest([json.dumps(self.after, sort_keys=True)])
        meta = {"stamp": stamp, "fetch": MAX_FETCH, "synonyms": SYNONYMS,
                **{name: {"chunks": s["chunks"], "buckets": s["buckets"]} for name, s in self.after.items()}}
        self._write("meta.json", meta)
        self.after = {"stamp": stamp, "layers": self.after}

    def save(self) -> None:
        if self.state_file is not None and self.after:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            _dump(self.state_file, self.after)

    def _layer(self, layer: Layer, pages: list[str], fresh: dict[str, dict[str, list]],
               load: Callable[[str, str], list]) -> dict:
        before = self.before.get(layer.name) or {}
        chunks = size_for(len(pages), layer.per_chunk, before.get("chunks"))
        buckets = size_for(chunks, layer.chunks_per_bucket, before.get("buckets"))
        if (before.get("chunks"), before.get("buckets")) != (chunks, buckets):
            before = {}  # laid out anew: every file written
        groups: dict[int, list[str]] = {}
        for page in sorted(pages):
            groups.setdefault(chunk_of(page, chunks), []).append(page)
        members = {str(c): _digest(group) for c, group in groups.items()}
        old_members = before.get("members", {})
        dirty = {c for c in groups if old_members.get(str(c)) != members[str(c)]}
        dirty |= {chunk_of(page, chunks) for page in fresh}
        dirty |= {int(c) for c in old_members if int(c) not in groups}  # emptied chunks
        old_folder = (self.old / layer.name) if before and self.old else None
        added: dict[str, array] = {}
        removed: dict[str, set[int]] = {}
        for c in sorted(dirty):
            old_docs = (_read(old_folder / "docs" / f"{c}.json") or []) if old_folder else []
            by_page = {d[1]: d for d in old_docs}  # type: ignore[union-attr]
            docs = [fresh[p][layer.name] if p in fresh else by_page.get(p) or load(p, layer.name)
                    for p in groups.get(c, [])]
            if docs == old_docs and old_folder:
                continue  # same documents: the file and its keys stay as they were
            old_keys = set().union(*map(layer.keys, old_docs)) if old_docs else set()
            new_keys = set().union(*map(layer.keys, docs)) if docs else set()
            for key in sorted(new_keys - old_keys):
                added.setdefault(key, array("I")).append(c)
            for key in old_keys - new_keys:
                removed.setdefault(key, set()).add(c)
            if docs:
                self._write(f"{layer.name}/docs/{c}.json", docs)
        self._buckets(layer.name, buckets, added, removed, old_folder)
        self.files |= {f"{layer.name}/docs/{c}.json" for c in groups}
        self.files |= {f"{layer.name}/keys/{b}.json" for b in range(buckets)}
        if old_folder is None:
            self.complete = False  # laid out anew: the last layout's files are found by listing
        self.emptied |= {f"{layer.name}/docs/{c}.json" for c in dirty if c not in groups}
        return {"chunks": chunks, "buckets": buckets, "members": members}

    def _buckets(self, name: str, buckets: int, added: dict[str, array], removed: dict[str, set[int]],
                 old_folder: Path | None) -> None:
        """Write each bucket one of whose keys gained or lost a chunk (every bucket when laid out anew)."""
        touched: dict[int, list[str]] = {}
        for key in [*added, *removed]:
            touched.setdefault(key_hash(key) % buckets, []).append(key)
        for b in range(buckets) if old_folder is None else sorted(touched):
            table = (_read(old_folder / "keys" / f"{b}.json") or {}) if old_folder else {}
            for key in touched.get(b, []):
                ids = set(table.get(key, [])) - removed.get(key, set())  # type: ignore[union-attr]
                ids.update(added.get(key, ()))
                if ids:
                    table[key] = sorted(ids)  # type: ignore[index]
                else:
                    table.pop(key, None)  # type: ignore[union-attr]
            self._write(f"{name}/keys/{b}.json", dict(sorted(table.items())))  # type: ignore[union-attr]

    def _write(self, rel: str, data: object) -> None:
        _dump(self.new / rel, data)
        self.rewritten.append(rel)
