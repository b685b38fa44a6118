"""Site-wide files made only when what they are made from changed.

Each file is written under a digest of its inputs (the rows a listing page shows, its
footer, the templates); when the digest equals the last build's and the last site still has
the file, it is hard-linked from there instead of being rendered again, so one edited package
re-renders the few pages that show it. The digests live in the cache; the file is removed
when a build starts and saved after it published (a killed build makes every page again).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from ..fsutil import link_or_copy


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
        self.linked: list[str] = []

    def write(self, rel: str, inputs: object, produce: Callable[[], str]) -> None:
        """new/rel: last site's file when inputs are the same as then, else produce()."""
        digest = hashlib.sha256(self.salt.encode())
        digest.update(json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str).encode())
        self.after[rel] = digest.hexdigest()
        target = self.new / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.before.get(rel) == self.after[rel] and (self.old / rel).is_file():
            link_or_copy(self.old / rel, target)
            self.linked.append(rel)
            return
        target.write_text(produce(), encoding="utf-8")
        self.written.append(rel)

    def save(self) -> None:
        if self.file is not None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_text(json.dumps(self.after, separators=(",", ":")), encoding="utf-8")
