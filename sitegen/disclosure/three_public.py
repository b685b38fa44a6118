"""The unit's 三公 figure, from the 三公 lines of its 三公 table.

A 三公 table may print more than 三公: 会议费, 培训费 (Jiangsu, Xi'an), 机关运行经费 (Shanghai),
行政经费 (Guangzhou). Its 合计 is the 三公 total only when no such line is printed. In order:

1. a line that names 三公 itself ("三公"经费（小计）, “三公”经费预算数（合计）, “三公”经费);
2. the 合计/总计 line, when the table prints nothing beyond 三公;
3. the sum of the three items: 因公出国(境)费 + 公务接待费 + 公务用车购置及运行费 (its 小计, or
   购置费 + 运行费 where the 小计 is not printed).

A line's amount is its `total` (or `final` in a 决算), else the sum of its printed source columns.
"""

from __future__ import annotations

from decimal import Decimal

from .model import Row
from .template import norm

BEYOND_THREE = ("会议费", "培训费", "运行经费", "行政经费")  # lines some 三公 tables print besides 三公
_TOTAL = ("合计", "总计")
_SOURCES = ("general_budget", "fund_budget", "state_capital_budget")


def line_amount(row: Row, column: str = "total") -> Decimal | None:
    """The line's amount: its total column, else the sum of its printed source columns."""
    value = row.get(column)
    if isinstance(value, Decimal):
        return value
    parts = [row[s] for s in _SOURCES if isinstance(row.get(s), Decimal)]
    return sum(parts, Decimal(0)) if parts and column == "total" else None


def _beyond(item: str) -> bool:
    return any(word in item for word in BEYOND_THREE)


def item_kind(item: str) -> str | None:
    """Which 三公 item a printed label names: abroad, reception, cars, car_purchase, car_running."""
    text = norm(item).replace("其中:", "")
    if _beyond(text):
        return None
    if "出国" in text:
        return "abroad"
    if "接待" in text:
        return "reception"
    if "购置" in text and "运行" in text:
        return "cars"
    if "购置" in text:
        return "car_purchase"
    if "运行" in text:
        return "car_running"
    return None


def three_public_total(rows: list[Row], column: str = "total") -> Decimal | None:
    """The 三公 total the table prints (see the module docstring), or None when it prints none."""
    items = [norm(str(r.get("item") or "")) for r in rows]
    for item, row in zip(items, rows, strict=True):
        if "三公" in item and not _beyond(item) and line_amount(row, column) is not None:
            return line_amount(row, column)
    if not any(_beyond(item) for item in items):
        for item, row in zip(items, rows, strict=True):
            if (item in _TOTAL or item.endswith(("(合计)", "（合计）"))) and line_amount(row, column) is not None:
                return line_amount(row, column)
    found: dict[str, Decimal] = {}
    for item, row in zip(items, rows, strict=True):
        kind, value = item_kind(item), line_amount(row, column)
        if kind and value is not None and kind not in found:
            found[kind] = value
    if not found:
        return None
    cars = found.get("cars")
    if cars is None and ("car_purchase" in found or "car_running" in found):
        cars = found.get("car_purchase", Decimal(0)) + found.get("car_running", Decimal(0))
    return found.get("abroad", Decimal(0)) + found.get("reception", Decimal(0)) + (cars or Decimal(0))


def in_wan(value: Decimal | None, unit: str) -> Decimal | None:
    """An amount in 万元: a 元 amount shifted by four decimal places, exactly."""
    if value is None or unit != "元":
        return value
    return value.scaleb(-4)
