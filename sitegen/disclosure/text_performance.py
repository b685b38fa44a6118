"""Performance target tables from text disclosures.

Tab-separated rows keep their cells: fields come from the header row's labels. Plain text
wraps every cell over several lines; the cells are recovered as a stream of fragments
segmented by the template's own vocabulary (一级/二级 indicator names, 指标值 with an
operator, 历史标准-style bases, 赋分 rules, 佐证 kinds, the weight number).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..extract.document import Document
from .model import Row, Warning_
from .narrative import squeeze
from .performance import FIELDS, field_for, normalise_target, parse_target

_TITLE = re.compile(r"^(部门|单位)?(整体|项目支出|项目)绩效目标表$")
_END = re.compile(r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")


def _record(scope: str, project: str, cells: dict[str, str]) -> Row:
    cells = {k: v for k, v in cells.items() if not k.startswith("_")}
    target = normalise_target(cells.get("target", ""))
    op, value, unit = parse_target(target)
    try:
        weight = Decimal(cells["weight"]) if cells.get("weight") else None
    except InvalidOperation:
        weight = None
    return {
        "scope": scope, "project_name": project if scope == "project" else "",
        "level1": cells.get("level1", ""), "level2": cells.get("level2", ""), "level3": cells.get("level3", ""),
        "target": target, "operator": op, "target_value": value, "target_unit": unit,
        "basis": cells.get("basis", ""), "weight": weight, "prior_value": cells.get("prior_value", ""),
        "scoring_rule": cells.get("scoring_rule", ""), "evidence": cells.get("evidence", ""),
    }


def read_text_performance(doc: Document, warnings: list[Warning_]) -> list[Row]:
    lines = [line for page in doc.pages for line in page.lines]
    starts = [(i, "project" if "项目" in squeeze(line) else "unit")
              for i, line in enumerate(lines) if _TITLE.match(squeeze(line))]
    rows: list[Row] = []
    for k, (start, scope) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        block = [line for line in lines[start + 1:end] if line.strip()]
        project = ""
        for line in block:
            if squeeze(line).startswith("项目名称"):
                cells = [c for c in re.split(r"\t+", line) if c.strip()] if "\t" in line else [line]
                text = squeeze(cells[1] if "\t" in line and len(cells) > 1 else line)
                text = re.sub(r"^项目名称", "", text)
                project = re.split(r"项目负责", text)[0]
                break
        header_at = next((i for i in range(len(block))
                          if squeeze(block[i]).startswith("一级")
                          and "三级指标" in squeeze("".join(block[i:i + 8]))), None)
        if header_at is None:
            warnings.append(Warning_("performance table header (一级指标 …) not found in the text"))
            continue
        block = _drop_page_numbers(block)
        body = []
        for line in block[header_at + 1:]:
            if _END.match(squeeze(line)) or _TITLE.match(squeeze(line)):
                break
            body.append(line)
        if "\t" in block[header_at]:
            fields = [field_for(c) for c in block[header_at].split("\t")]
            rows.extend(_tabbed(body, fields, scope, project))
        else:
            head = squeeze("".join(block[header_at:header_at + 16]))
            fields = [name for name, words in FIELDS if any(w in head for w in words)]
            rows.extend(_plain(body, fields, scope, project, warnings))
    return rows


_VOCAB = ("按照完成比例赋分", "按评判等级赋分", "满意度赋分", "直接赋分", "工作资料", "原始凭证", "说明材料",
          "计划标准", "历史标准", "行业标准", "预算支出标准", "产出指标", "成本指标", "效益指标", "满意度指标")


def _drop_page_numbers(block: list[str]) -> list[str]:
    """A page number printed between the two halves of a wrapped word ("按照完成比例赋" / "27" / "分")."""
    out = []
    for i, line in enumerate(block):
        if re.fullmatch(r"\s*\d{1,3}\s*", line) and 0 < i < len(block) - 1:
            before, after = squeeze(block[i - 1])[-8:], squeeze(block[i + 1])[:8]
            joined = before + after
            if any(w in joined and w not in before and w not in after for w in _VOCAB):
                continue
        out.append(line)
    return out


def _tabbed(body: list[str], fields: list[str | None], scope: str, project: str) -> list[Row]:
    out: list[Row] = []
    carried: dict[str, str] = {}
    for line in body:
        cells = line.split("\t")
        values = {f: squeeze(c) if f not in ("target",) else c.strip() for f, c in zip(fields, cells, strict=False) if f}
        if not values.get("level3"):
            continue
        for span in ("level1", "level2"):
            if values.get(span):
                carried[span] = values[span]
            else:
                values[span] = carried.get(span, "")
        out.append(_record(scope, project, values))
    return out


# ---------------------------------------------------------------- plain text

_L1 = ("产出指标", "成本指标", "效益指标", "满意度指标", "运行成本", "管理效率", "履职效能", "社会效益",
       "可持续发展能力", "服务对象满意度")
_L2_SUFFIX = "指标"
_BASIS = re.compile(r"^(计划标准|历史标准|行业标准|预算支出标准|其他标准|\d{4}年.*|《.*)$")
_RULE = re.compile(r"(赋分|评分)$")
_EVIDENCE = re.compile(r"^(工作资料|原始凭证|说明材料|其他|佐证资料|相关资料)([，,、].*)?$")
_OPERATOR = re.compile(r"^(≥|≤|>=|<=|＞=|＜=|>|<|=|＝|＞|＜)")


_HEADER_LABELS = ("佐证资料", "指标赋分规则", "分值权重", "权重", "指标设定依据", "指标值设置依据")


def _reclassify(kind: str, value: str, nxt: str, state: str, last: str | None) -> str:
    """A token's kind in context: a bare word or a heading word inside a 三级指标 is text."""
    if kind == "target" and not _OPERATOR.match(value) and nxt != "basis":
        return "text"  # a bare word such as 保障 inside a 三级指标
    if kind in ("level1", "level2") and state == "level3":
        return "text"
    if kind == "level1" and state == "start" and last == "level1":
        return "level2"
    return kind


def _step(row: dict[str, str], state: str, kind: str, value: str, nxt: str, fields: list[str]) -> tuple[str, bool]:
    """One cell token into the row being read: (the next state, whether the row is complete)."""
    if state == "start" and kind == "text":
        row["level3"] = value
        return "level3", False
    if state == "level3" and kind == "text":
        row["level3"] += value
        return state, False
    if state == "level3" and kind == "target":
        row["target"] = value
        return "target", False
    if state == "target" and kind == "basis":
        row["basis"] = value
        return "basis", False
    if state == "basis" and "prior_value" in fields and kind in ("text", "prior_value", "target", "weight") \
            and "prior_value" not in row \
            and not (kind == "weight" and nxt in ("scoring_rule", "evidence", "level1", "level2", "")):
        row["prior_value"] = value
        return "prior", False
    if state in ("basis", "prior") and kind == "weight":
        row["weight"] = value
        return "weight", "scoring_rule" not in fields
    if state == "weight" and kind == "scoring_rule":
        row["scoring_rule"] = value
        return "rule", False
    if state == "rule" and kind == "evidence":
        row["evidence"] = value
        return "evidence", True
    if state == "start":
        return state, False
    # something unexpected: keep the text with the cell being read
    key = {"level3": "level3", "target": "target", "basis": "basis", "prior": "prior_value"}.get(state)
    if key:
        row[key] = row.get(key, "") + value
    return state, False


def _plain(body: list[str], fields: list[str], scope: str, project: str, warnings: list[Warning_]) -> list[Row]:
    """Rebuild cells from wrapped fragments: a small state machine over vocabulary tokens,
    in the column order 三级指标 → 指标值 → 依据 → (上年完成值) → 权重 → (赋分规则 → 佐证资料)."""
    text = squeeze("".join(body))
    ends = [text.find(label) + len(label) for label in _HEADER_LABELS if 0 <= text.find(label) < 120]
    text = text[max(ends):] if ends else text
    tokens = _tokens(text)
    out: list[Row] = []
    carried: dict[str, str] = {}
    row: dict[str, str] = {}
    state = "start"  # start → level3 → target → basis → prior → weight → rule → evidence
    last: str | None = None
    for index, (kind, value) in enumerate(tokens):
        nxt = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        kind = _reclassify(kind, value, nxt, state, last)
        last = kind
        if kind in ("level1", "level2"):
            if state != "start":
                if row.get("level3"):
                    out.append(_record(scope, project, {**carried, **row}))
                row, state = {}, "start"
            carried[kind] = value
            if kind == "level1":
                carried.pop("level2", None)
            continue
        if kind == "text" and value.startswith("分") and out and out[-1]["scoring_rule"].endswith("赋"):
            out[-1]["scoring_rule"] += "分"  # the rule's last character, wrapped past a page number
            value = value[1:]
            if not value:
                continue
        state, done = _step(row, state, kind, value, nxt, fields)
        if done:
            if row.get("level3"):
                out.append(_record(scope, project, {**carried, **row}))
            row, state = {}, "start"
    if row.get("level3"):
        out.append(_record(scope, project, {**carried, **row}))
    return out


_PATTERNS = {
    "level1": re.compile("|".join(sorted(_L1, key=len, reverse=True))),
    "level2": re.compile(r"(?:经济|社会|生态|可持续)?(?:数量|质量|时效|成本|效益|满意度|影响|服务对象满意度)指标"),
    "target": re.compile(r"(?:≥|≤|>=|<=|＞=|＜=|>|<|=|＝|＞|＜)\s*[\d.]+[^\d\s计历行预其《按工原说]*"
                         r"|有效提升|显著提升|保障|实现"),
    "basis": re.compile(r"计划标准|历史标准|行业标准|预算支出标准|其他标准|\d{4}年(?:年度)?工作计划"),
    "prior_value": re.compile(r"-(?![\d])"),
    "weight": re.compile(r"(?<![\d.])\d{1,2}(?![\d.%])"),
    "scoring_rule": re.compile(r"按照完成比例赋分?|按评判等级赋分?|满意度赋分?|直接赋分?"),
    "evidence": re.compile(r"工作资料|原始凭证|说明材料"),
}


def _tokens(text: str) -> list[tuple[str, str]]:
    """Longest vocabulary match at each position; text between matches is a text token.
    A name that is both a 一级 and a 二级 indicator (满意度指标) is 二级 right after a 一级."""
    out: list[tuple[str, str]] = []
    position, plain = 0, ""
    while position < len(text):
        best = None
        for kind, pattern in _PATTERNS.items():
            m = pattern.match(text, position)
            if m and m.end() > position and (best is None or m.end() > best[1].end()
                                             or (m.end() == best[1].end() and kind == "level2"
                                                 and out and out[-1][0] == "level1" and not plain)):
                best = (kind, m)
        if best is None:
            plain += text[position]
            position += 1
            continue
        if plain:
            out.append(("text", plain))
            plain = ""
        out.append((best[0], best[1].group(0)))
        position = best[1].end()
    if plain:
        out.append(("text", plain))
    return out
