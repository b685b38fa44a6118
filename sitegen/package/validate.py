"""Frictionless validation of written packages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from frictionless import validate


@dataclass
class PackageCheck:
    path: Path
    valid: bool
    errors: list[str] = field(default_factory=list)


def find_packages(roots: list[Path]) -> list[Path]:
    """datapackage.json files under the given folders (or the files themselves)."""
    found: list[Path] = []
    for root in roots:
        root = Path(root)
        if root.is_file() and root.name == "datapackage.json":
            found.append(root)
        elif root.is_dir():
            found.extend(sorted(root.rglob("datapackage.json")))
    return found


def validate_package(path: Path) -> PackageCheck:
    report = validate(str(path))
    errors = []
    if not report.valid:
        for task in report.tasks:
            for err in task.errors:
                errors.append(f"{task.name}: {err.type}: {err.note}")
        for err in report.errors:
            errors.append(f"{err.type}: {err.note}")
    return PackageCheck(Path(path), report.valid, errors)
