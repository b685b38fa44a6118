"""A region string as levels: province → prefecture → county (and below).

`新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县` → 新疆维吾尔自治区 / 巴音郭楞蒙古自治州 /
焉耆回族自治县, cut after each administrative suffix. A publisher can give the levels
explicitly by separating them with `/` or spaces in metadata (`region = "江苏省/南京市/玄武区"`).
"""

from __future__ import annotations

import functools
import hashlib
import re

# longest first: 自治区 before 区, 自治州 before 州, 地区 before 区
SUFFIXES = ("自治区", "自治州", "自治县", "自治旗", "特别行政区", "地区", "省", "市", "州", "盟", "县", "区", "旗")
MIN_LEVEL_CHARS = 2  # a level is a name and its suffix: "区" alone belongs to the level before (沙市区),
# except a suffix character doubled (济南市市中区, 青岛市市北区): the second one starts the next name
MAX_LEVELS = 4  # province, prefecture, county, and one more (a 街道 or 乡镇 printed in the region)
_SEPARATORS = re.compile(r"[/／\s]+")
_CUT = re.compile("|".join(map(re.escape, SUFFIXES)))


@functools.lru_cache(maxsize=65536)  # a few thousand regions, each cut once however many units it has
def region_levels(region: str) -> tuple[str, ...]:
    """The levels of a region string, outermost first; () for an empty string."""
    region = (region or "").strip()
    if not region:
        return ()
    if _SEPARATORS.search(region):
        return tuple(p for p in _SEPARATORS.split(region) if p)[:MAX_LEVELS]
    levels: list[str] = []
    start = 0
    for match in _CUT.finditer(region):
        part = region[start:match.end()]
        if len(part) < MIN_LEVEL_CHARS and levels and levels[-1].endswith(part) and match.end() < len(region):
            continue  # 济南市 then 市中区: a suffix character doubled starts the next name
        if len(part) < MIN_LEVEL_CHARS and levels:
            levels[-1] += part
        else:
            levels.append(part)
        start = match.end()
    if start < len(region):  # a tail without a suffix (a unit-level place name): its own level
        levels.append(region[start:])
    if len(levels) > MAX_LEVELS:
        levels = [*levels[:MAX_LEVELS - 1], "".join(levels[MAX_LEVELS - 1:])]
    return tuple(levels)


def province(region: str) -> str:
    """The outermost level, or "" when the region is not known."""
    levels = region_levels(region)
    return levels[0] if levels else ""


SLUG_HASH_CHARS = 4  # hex digits of the name's digest in a region's folder


@functools.lru_cache(maxsize=65536)
def region_slug(level: str) -> str:
    """A region's URL folder: its pinyin and a short digest of the name itself, so regions
    whose names read alike (山西省, 陕西省: both shan-xi-sheng) never share a folder and a
    region's folder never depends on which other regions are published."""
    from ..package.writer import slugify

    return f"{slugify(level)}-{hashlib.sha1(level.encode('utf-8')).hexdigest()[:SLUG_HASH_CHARS]}"
