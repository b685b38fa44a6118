"""The one grammar for amounts printed in tables, PDF and text alike.

An amount is ASCII digits with at most one decimal point, thousands separators (",") only in
groups of three, and an optional leading minus: ASCII "-" or the typographic minus "−"
(U+2212), the two forms seen in the documents. A blank cell ("", "-", "—", "－", "/")
is empty. Everything else — "1,2,3", "1e5", "1_000", full-width or other-script digits,
"NaN", "Infinity" — is not an amount: the caller reports it and leaves the cell empty, so a
non-finite or reinterpreted value never gets past this point.
"""

from __future__ import annotations

import re
from decimal import Decimal

AMOUNT = re.compile(r"^[-−]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
BLANK = {"", "-", "—", "－", "--", "——", "–", "/"}
# tokens a reader would take for a number: digits of any script with number punctuation,
# or a spelled-out special value; they must never be read as text (e.g. glued to a name)
_NUMBERISH = re.compile(r"^[-−－+]?[\d.,，_eE+\-−％%]*\d[\d.,，_eE+\-−％%]*$"
                        r"|^[-−－+]?(?:s?nan|inf|infinity)$", re.IGNORECASE)


class NotAnAmount(ValueError):
    """A cell that is neither blank nor an amount by the grammar."""


def parse_amount(text: str) -> Decimal | None:
    """The printed amount exactly (separators dropped, digits kept); blank → None."""
    t = text.strip()
    if t in BLANK:
        return None
    if not AMOUNT.match(t):
        raise NotAnAmount(text)
    return Decimal(t.replace(",", "").replace("−", "-"))


def is_amount(text: str) -> bool:
    return bool(AMOUNT.match(text.strip()))


def looks_numeric(text: str) -> bool:
    """A token meant as a number (amount or not): digits with number punctuation, NaN, Infinity."""
    t = text.strip()
    return bool(t) and t not in BLANK and bool(_NUMBERISH.match(t))
