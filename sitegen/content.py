"""The content folder: which files are read, with what metadata, and what is refused.

Nothing outside content/ is read: a symlink that leads out of it is refused, and so is a
`part_of` that does. Every file left out is named with its reason, never dropped silently.
`metadata.toml` is checked against a schema; a bad entry is reported (file, key, expected
type) and ignored, and the build goes on.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator

from .extract import SUFFIXES

NOT_INPUT = {"metadata.toml", "readme.md"}  # content/'s own files, never disclosures
YEAR_RANGE = (1950, 2100)
MAX_TEXT = {"unit_id": 80, "unit": 200, "region": 200, "source_url": 2000, "site_url": 2000, "part_of": 1000,
            "license": 200}
KINDS = ("budget", "final")

_TEXT = {"type": "string", "minLength": 1}
_LICENSE_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT["license"]}
ENTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "unit_id": {**_TEXT, "maxLength": MAX_TEXT["unit_id"]},
        "unit": {**_TEXT, "maxLength": MAX_TEXT["unit"]},
        "kind": {"enum": list(KINDS)},
        "region": {**_TEXT, "maxLength": MAX_TEXT["region"]},
        "source_url": {**_TEXT, "maxLength": MAX_TEXT["source_url"], "pattern": "^https?://"},
        "site_url": {**_TEXT, "maxLength": MAX_TEXT["site_url"], "pattern": "^https?://"},
        "part_of": {**_TEXT, "maxLength": MAX_TEXT["part_of"]},
        "year": {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]},
        "license": {"oneOf": [
            _LICENSE_TEXT,
            {"type": "object", "properties": {"name": _LICENSE_TEXT, "path": _LICENSE_TEXT, "title": _LICENSE_TEXT},
             "anyOf": [{"required": ["name"]}, {"required": ["path"]}], "additionalProperties": False},
        ]},
    },
}
_VALIDATOR = Draft202012Validator(ENTRY_SCHEMA)
PER_FILE = ("unit_id", "part_of")  # meaningless for every file at once: refused in [defaults]


@dataclass
class Content:
    """What a build reads from content/: files, their parts and metadata, and what was refused."""

    root: Path
    files: list[Path] = field(default_factory=list)
    parts: dict[Path, list[Path]] = field(default_factory=dict)
    metadata: dict = field(default_factory=lambda: {"defaults": {}, "files": {}})
    errors: list[str] = field(default_factory=list)  # refused files, broken metadata
    skipped: list[str] = field(default_factory=list)  # files that are not disclosures


def scan(root: Path) -> Content:
    """Discover files, load metadata and resolve `part_of`, reporting everything refused."""
    content = Content(Path(root))
    content.metadata = load_metadata(content.root, content.errors)
    content.files = _discover(content)
    content.parts = resolve_parts(content.root, content.files, content.metadata, content.errors)
    return content


def discover(root: Path, errors: list[str] | None = None, skipped: list[str] | None = None) -> list[Path]:
    """Source files under root (nothing reached through a symlink out of it), sorted; files
    refused go to `errors`, files that are not disclosures to `skipped`."""
    content = Content(Path(root))
    files = _discover(content)
    (errors if errors is not None else []).extend(content.errors)
    (skipped if skipped is not None else []).extend(content.skipped)
    return files


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _discover(content: Content) -> list[Path]:
    root = content.root
    real_root = root.resolve()
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        content.errors.append(f"{exc.filename}: folder not read ({exc.strerror or exc})")

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        base = Path(folder)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                target = (base / name).resolve()
                why = "leads outside the content folder" if not _inside(target, real_root) else "is not followed"
                content.errors.append(f"{base / name}: symlinked folder {why}; not read")
        for name in sorted(names):
            path = base / name
            if name.startswith(".") or (base == root and name.lower() in NOT_INPUT):
                continue
            if path.suffix.lower() not in SUFFIXES:
                content.skipped.append(f"{path}: not a disclosure file (.pdf, .txt or .md); not read")
                continue
            if path.is_symlink() and not _inside(path.resolve(), real_root):
                content.errors.append(f"{path}: symlink leads outside the content folder; not read")
                continue
            if not path.is_file():
                content.errors.append(f"{path}: not a regular file; not read")
                continue
            found.append(path)
    return sorted(found)


def load_metadata(root: Path, errors: list[str] | None = None) -> dict:
    """content/metadata.toml: [defaults] and [files."name.pdf"], every entry schema-checked.

    A broken file or entry is reported in `errors` and left out; the build goes on."""
    errors = errors if errors is not None else []
    path = Path(root) / "metadata.toml"
    empty: dict = {"defaults": {}, "files": {}}
    if not path.exists():
        return empty
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        errors.append(f"{path}: not UTF-8 text (byte {exc.start}); metadata ignored")
        return empty
    except (tomllib.TOMLDecodeError, OSError) as exc:
        errors.append(f"{path}: not valid TOML ({exc}); metadata ignored")
        return empty
    defaults = _checked(path, "defaults", data.get("defaults", {}), errors)
    for key in [k for k in PER_FILE if k in defaults]:
        errors.append(f"{path}: [defaults] {key}: belongs to one file's [files.\"…\"] entry; key ignored")
        del defaults[key]
    files = data.get("files", {})
    if not isinstance(files, dict):
        errors.append(f"{path}: key 'files' must be a table of [files.\"name\"] entries; ignored")
        files = {}
    return {"defaults": defaults,
            "files": {name: _checked(path, f'files."{name}"', entry, errors) for name, entry in files.items()}}


def _checked(path: Path, where: str, entry, errors: list[str]) -> dict:
    """The entry's valid keys; each invalid key reported with what was expected."""
    if not isinstance(entry, dict):
        errors.append(f"{path}: [{where}] must be a table, found {type(entry).__name__}; ignored")
        return {}
    bad: set[str] = set()
    for error in sorted(_VALIDATOR.iter_errors(entry), key=lambda e: list(e.path)):
        key = str(error.path[0]) if error.path else ""
        if key and key not in bad:
            bad.add(key)
            errors.append(f"{path}: [{where}] {key}: {_expected(key, error)}; key ignored")
    out = {k: v for k, v in entry.items() if k not in bad}
    if isinstance(out.get("license"), str):
        out["license"] = {"name": out["license"]}  # the form Frictionless expects
    return out


def _expected(key: str, error) -> str:
    schema = ENTRY_SCHEMA["properties"].get(key, {})
    if key == "year":
        return f"expected an integer year {YEAR_RANGE[0]}–{YEAR_RANGE[1]}"
    if key == "license":
        return "expected a string or a table with name/path/title strings"
    if key == "kind":
        return f"expected one of {', '.join(KINDS)}, found {_short(error.instance)}"
    kind = schema.get("type", "value")
    if error.validator == "maxLength":
        return f"expected a {kind} of at most {schema['maxLength']} characters"
    if error.validator == "pattern":
        return "expected an http(s):// address"
    found = type(error.instance).__name__
    return f"expected a non-empty {kind}, found {found} {_short(error.instance)}"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def file_meta(metadata: dict, path: Path, root: Path) -> dict:
    """[defaults] overlaid by the file's own [files."…"] entry (by relative path, else name)."""
    meta = dict(metadata.get("defaults", {}))
    try:
        rel = Path(path).relative_to(root).as_posix()
    except ValueError:
        rel = Path(path).name
    files = metadata.get("files", {})
    meta.update(files.get(rel, files.get(Path(path).name, {})))
    return meta


def resolve_parts(root: Path, files: list[Path], metadata: dict, errors: list[str]) -> dict[Path, list[Path]]:
    """{main file: [its parts]} from `part_of = "main.pdf"`; a `part_of` that cannot be
    honoured is reported in `errors` and the file is read on its own (never dropped)."""
    root = Path(root)
    known = {Path(os.path.normpath(p)) for p in files}
    declared: dict[Path, str] = {}
    for path in files:
        main = file_meta(metadata, path, root).get("part_of")
        if main:
            declared[Path(os.path.normpath(path))] = main
    out: dict[Path, list[Path]] = {}
    for path, main in declared.items():
        target = Path(os.path.normpath(root / main))
        why = ""
        if not _inside(target.resolve(), root.resolve()) or ".." in Path(main).parts:
            why = "leads outside the content folder"
        elif target == path:
            why = "names the file itself"
        elif target not in known:
            why = "names no disclosure file in the content folder"
        elif target in declared:
            why = f"names {main}, which is itself a part (a chain or a cycle)"
        if why:
            errors.append(f"{path}: part_of = {_short(main)} {why}; read on its own")
            continue
        out.setdefault(target, []).append(path)
    return {k: sorted(v) for k, v in out.items()}
