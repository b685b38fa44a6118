"""sitegen: budget disclosures (部门预算公开) → open data packages and a static site."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.1.0"


@cache
def parser_version() -> str:
    """Changes whenever the parsing code changes: the build cache's key (with the file's sha256)."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for sub in ("extract", "disclosure", "audit"):
        for path in sorted((root / sub).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
