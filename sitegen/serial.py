"""A parsed disclosure as plain JSON (the parse cache's format: data only, never code)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from decimal import Decimal

from .disclosure.model import Disclosure, Source, Table, Warning_

_DECIMAL = "$decimal"


def _encode(value):
    if isinstance(value, Decimal):
        return {_DECIMAL: format(value, "f")}
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(obj: dict):
    if len(obj) == 1 and _DECIMAL in obj:
        return Decimal(obj[_DECIMAL])
    return obj


def dumps(payload: dict) -> bytes:
    """{"sha256": digest of the body, "body": payload}: a truncated or edited file is detected."""
    body = json.dumps(payload, default=_encode, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return json.dumps({"sha256": digest, "body": body}, ensure_ascii=False).encode("utf-8")


def loads(data: bytes) -> dict:
    """The payload `dumps` wrote; ValueError when the file is not one or its hash differs."""
    outer = json.loads(data.decode("utf-8"))
    body = outer["body"]
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != outer["sha256"]:
        raise ValueError("cache entry does not match its hash")
    return json.loads(body, object_hook=_decode)


def disclosure_to_data(d: Disclosure) -> dict:
    return asdict(d)


def disclosure_from_data(data: dict) -> Disclosure:
    tables = {}
    for name, t in data["tables"].items():
        t = dict(t)
        t["fields"] = [tuple(f) for f in t.get("fields", [])]
        tables[name] = Table(**t)
    return Disclosure(
        unit=data["unit"],
        source=Source(**data["source"]),
        tables=tables,
        records=data["records"],
        narrative=data["narrative"],
        warnings=[Warning_(**w) for w in data["warnings"]],
    )
