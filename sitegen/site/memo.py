"""Site-wide files made only when what they are made from changed.

Each file is written under a digest of its inputs (the rows a listing page shows, its
footer, the templates); when the digest equals the last build's and the last site still has
the file, it is not made at all and the published file stays, so one edited package
re-renders the few pages that show it (render._publish moves the files made into place). The digests live in the cache; the file is removed
when a build starts and saved after it published (a killed build makes every page again).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import orjson


class PageMemo:
    def __init__(self, file: Path | None, old: Path, new: Path, salt: str):
        self.file, self.old, self.new, self.salt = file, Path(old), Path(new), salt
        self.before: dict[str, str] = {}
        if file is not None:
            try:
                self.before = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                self.before = {}
            file.unlink(missing_ok=True)
        self.after: dict[str, str] = {}
        self.written: list[str] = []
        self.kept: list[str] = []

    def write(self, rel: str, inputs: object, produce: Callable[[], str]) -> None:
        """new/rel: last site's file when inputs are the same as then, else produce()."""
        digest = hashlib.sha256(self.salt.encode())
        digest.update(orjson.dumps(inputs, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))
        self.after[rel] = digest.hexdigest()
        target = self.new / rel
        if self.before.get(rel) == self.after[rel] and (self.old / rel).is_file():
            self.kept.append(rel)  # the last site's file is this file: left where it is
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(produce(), encoding="utf-8")
        self.written.append(rel)

    def stale(self) -> set[str] | None:
        """Files of the last site this build no longer makes; None when not known (no memo)."""
        return set(self.before) - set(self.after) if self.before else None

    def save(self) -> None:
        if self.file is not None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_bytes(orjson.dumps(self.after))
