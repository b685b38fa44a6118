"""Classification codes printed in part: 款/项 alone under their parent, codes wrapped over
two lines, in brackets or with dots and dashes. Both front ends complete them here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import vocabulary
from .numbers import is_amount, parse_amount

TOL = Decimal("0.011")
_FULL_CODE = re.compile(r"^(\d{3}|\d{5}|\d{7})$")
_LONE = re.compile(r"^\d{2}$")
WRAPPED_SHARE = 0.3  # lone two-digit lines after this share of a table's coded lines: wrapped codes, not page numbers
WRAPPED_MIN = 3  # ... and at least this many of them


@dataclass
class LoneCodes:
    """款/项 printed alone (`01`) under their parent: a 项 while the 款 above still lacks part of
    its total, else the next 款 of the 类 (the level comes from the sums, never from a guess).
    An economic classification has 类 and 款 only."""

    economic: bool = False
    section: str = ""
    section_total: Decimal | None = None
    items_sum: Decimal = Decimal(0)
    warned: bool = False

    def complete(self, digits: str, last_class: str, total: Decimal | None) -> tuple[str, str, str]:
        if self.section and self.section_total is not None and not self.economic:
            after = self.items_sum + (total or Decimal(0))
            if self.items_sum < self.section_total - TOL and after <= self.section_total + TOL:
                return last_class, self.section, digits
        return last_class, digits, ""

    def seen(self, level: int, total: Decimal | None, section: str) -> None:
        """Follow the rows read so far: a new 款 opens, a 项 adds to it, a 类 closes it."""
        if level == 2:
            self.section, self.section_total, self.items_sum = section, total, Decimal(0)
        elif level == 3:
            self.items_sum += total or Decimal(0)
        elif level == 1:
            self.section, self.section_total = "", None


def _first_amount(tokens: list[str]) -> Decimal | None:
    return next((parse_amount(t) for t in tokens if is_amount(t)), None)


def wrapped_tails(lines: list[str]) -> set[int]:
    """Lines holding only a code's last two digits, wrapped under a line opening with the rest."""
    coded = [i for i, line in enumerate(lines) if line.split() and _FULL_CODE.match(line.split()[0])]
    tails = {i + 1 for i in coded if i + 1 < len(lines) and _LONE.match(lines[i + 1].strip())
             and len(lines[i].split()[0]) < 7}
    return tails if len(tails) >= max(WRAPPED_MIN, WRAPPED_SHARE * len(coded)) else set()


def text_code_lines(lines: list[str], economic: bool) -> tuple[list[str], bool]:
    """Each plain line opening with a code in any printed form, rewritten to open with its
    digits (`[208]名称`, `208.01`, `208-01`, a code wrapped onto the next line, 款/项 alone);
    and whether 款/项 were printed alone."""
    tails = wrapped_tails(lines)
    # `208.01` is also an amount: a code only where the table prints codes no amount can be (208.01.01, 208-01)
    separated = any(vocabulary.SEPARATED_CODE.match(t) and not is_amount(t) for line in lines for t in line.split()[:1])
    lone, last_class, alone = LoneCodes(economic), "", False
    out = []
    for i, line in enumerate(lines):
        tokens = line.split()
        if i in tails or "\t" in line or not tokens:
            out.append("" if i in tails else line)
            continue
        before = list(tokens)
        named = len(tokens) > 1 and not is_amount(tokens[1])  # a code is followed by its name; 260.53 by numbers
        m = vocabulary.BRACKETED_CODE.match(tokens[0])
        if m and _FULL_CODE.match(m.group(1)):
            tokens[:1] = [m.group(1)] + ([m.group(2)] if m.group(2) else [])
        elif ((separated or tokens[0][:3] == last_class) and vocabulary.SEPARATED_CODE.match(tokens[0])
              and named):  # 301.01 under 301: a code
            tokens[0] = re.sub(r"\D", "", tokens[0])
        if i + 1 in tails:
            tokens[0] += lines[i + 1].strip()
        total = _first_amount(tokens[1:])
        if _LONE.match(tokens[0]) and last_class and named:
            tokens[0] = "".join(lone.complete(tokens[0], last_class, total))
            alone = True
        if _FULL_CODE.match(tokens[0]):
            code = tokens[0]
            last_class = code[:3]
            lone.seen({3: 1, 5: 2, 7: 3}[len(code)], total, code[3:5])
        out.append(" ".join(tokens) if tokens != before else line)
    return out, alone
