"""sitegen: budget disclosures (部门预算公开) → open data packages and a static site."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.1.0"

# Modules that only present what the packages hold: their changes never alter a package.
PRESENTATION = ("site/", "cli.py")


@cache
def code_digest(exclude: tuple[str, ...] = ()) -> str:
    """A digest of sitegen's own source, every module but those under `exclude` (path prefixes)."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(exclude):
            continue
        digest.update(rel.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def parser_version() -> str:
    """The parse cache's and package input key's code part: every module that shapes a package
    (extract, disclosure, the contract's schemas, audit, writer, build), none that only presents it."""
    return code_digest(PRESENTATION)
