"""The text parts of a disclosure: unit facts (第一部分, 第三部分 十二) and the
year-on-year statements of 第三部分 (narrative_changes).

Works on plain lines, so the PDF and the text front ends share it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..extract.document import Document
from .model import Row, Warning_
from .numbers import NotAnAmount, parse_amount

_WS = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
_PAGE_NO = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?[-—–\s]*$")
_BULLET = re.compile(r"^\s*[-*•]\s+")
NUM = r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)"  # ASCII digits; values go through numbers.parse_amount
_CN_NUM = "一二三四五六七八九十"


def squeeze(text: str) -> str:
    """Drop extraction whitespace (kept only between two ASCII letters/digits)."""
    return _WS.sub("", text).strip()


def dec(text: str | None) -> Decimal | None:
    """A figure from a sentence by the number grammar; None when blank or malformed ("1,2,3")."""
    if text is None:
        return None
    try:
        return parse_amount(text.rstrip(","))  # "100," before a clause: the comma is punctuation
    except NotAnAmount:
        return None


def clean_lines(doc: Document) -> list[str]:
    """All lines of the document, whitespace squeezed, page numbers and bullets dropped."""
    out = []
    for page in doc.pages:
        for line in page.lines:
            if _PAGE_NO.match(line) or not line.strip():
                continue
            out.append(squeeze(_BULLET.sub("", line)))
    return [line for line in out if line]


def _last_index(lines: list[str], pattern: str) -> int | None:
    rx = re.compile(pattern)
    found = [i for i, line in enumerate(lines) if rx.match(line)]
    return found[-1] if found else None


def part(lines: list[str], number: str) -> list[str]:
    """Lines of 第N部分 (the last heading of that name: the first is the table of contents)."""
    start = _last_index(lines, rf"^第{number}部分")
    if start is None:
        return []
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if re.match(r"^第[一二三四五六七八九十]部分", lines[i]):
            end = i
            break
    return lines[start + 1:end]


def chapters(lines: list[str]) -> list[tuple[str, str]]:
    """Split a part into its numbered chapters: [(heading, body text)]; lines are joined."""
    heads = [i for i, line in enumerate(lines) if re.match(rf"^[{_CN_NUM}]+、", line)]
    out = []
    for k, i in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else len(lines)
        block = "".join(lines[i:end])
        # the heading may wrap: it ends at the first 说明/情况 word
        m = re.match(rf"^([{_CN_NUM}]+、.{{0,50}}?说明)", block) or re.match(
            rf"^([{_CN_NUM}]+、.*?(?:职能|人员情况|情况))", block
        )
        head = m.group(1) if m else lines[i]
        out.append((head, block[len(head):]))
    return out


def _chapter(chs: list[tuple[str, str]], *words: str, exclude: tuple[str, ...] = ()) -> str:
    for head, body in chs:
        if all(w in head for w in words) and not any(x in head for x in exclude):
            return body
    return ""


# ------------------------------------------------------------------ statements

_CHANGE_CORE = (
    r"(?P<dir>增加|减少|增长|下降)" + NUM.replace("(", "(?P<chg>", 1) + r"(?:万元|元)?[，,]?"
    r"(?:(?P<dir2>增长|下降|增加|减少)" + NUM.replace("(", "(?P<pct>", 1) + r"%)?"
)
_CHANGE = r"(?:比|较|与)(?:上年|上一年|\d{4}年)(?:度)?(?:预算)?(?:数)?(?:相比)?" + _CHANGE_CORE
_REASON = r"(?:[。，,；;]?\s*主要(?:原因是|原因|用于|是)[:：]?(?P<reason>[^。；;]*))?"


def _signed(direction: str | None, value: str | None) -> Decimal | None:
    d = dec(value)
    if d is None:
        return None
    return -d if direction in ("减少", "下降") else d


def _statement(section: str, m: re.Match, code: str = "") -> Row:
    return {
        "section": section,
        "code": code,
        "amount": dec(m.group("amount")),
        "change": _signed(m.group("dir"), m.group("chg")) if "chg" in m.groupdict() else None,
        "change_pct": _signed(m.group("dir2") or m.group("dir"), m.group("pct")) if "pct" in m.groupdict() else None,
        "reason": (m.group("reason") or "").strip() if "reason" in m.groupdict() else "",
    }


_LABELLED = re.compile(
    r"(?P<label>[\u4e00-\u9fa5（）()]+?)" + NUM.replace("(", "(?P<amount>", 1)
    + r"万元[，,](?:占" + NUM + r"%[，,])?" + _CHANGE + _REASON
)

_ITEM = re.compile(
    r"(?<![\d.])\d{1,2}[.、．](?!\d)\s*(?P<cls>[^（(。]+?)[（(]类[）)](?P<sec>[^（(。]+?)[（(]款[）)]"
    r"(?:(?P<item>[^（(。]+?)[（(]项[）)])?[:：]?(?:\d{4}年)?(?:预算数为|预算为|安排)?"
    + NUM.replace("(", "(?P<amount>", 1) + r"(?P<unit>万元|元)[，,]?" + _CHANGE + _REASON
)


def _labelled(text: str, prefix: str, rename: dict[str, str] | None = None) -> list[Row]:
    rows = []
    for m in _LABELLED.finditer(text):
        label = re.sub(r"^(其中[:：]?|其|中)", "", m.group("label"))
        label = re.sub(r"(?<=转移支付)资金$", "", label)
        label = (rename or {}).get(label, label)
        rows.append(_statement(f"{prefix}/{label}", m))
    return rows


def _item_code(names: tuple[str, str, str | None], tables: dict[str, list[Row]]) -> str:
    """The function code the tables give the same 类/款/项 (names compared loosely)."""
    rows = [r for name in ("general_budget_expenditure", "expenditure_summary", "income_summary")
            for r in tables.get(name, [])]

    def close(a: str, b: str) -> bool:
        a, b = squeeze(a), squeeze(b)
        if a == b:
            return True
        common = sum(1 for ch in set(a) if ch in b)
        return common / max(len(set(a)), len(set(b)), 1) >= 0.7

    cls, sec, item = names
    cls_rows = [r for r in rows if r.get("level") == 1 and close(str(r.get("name")), cls)]
    if not cls_rows:
        return ""
    cls_code = str(cls_rows[0]["code"])
    sec_rows = [r for r in rows if r.get("level") == 2 and str(r.get("code", "")).startswith(cls_code)
                and close(str(r.get("name")), sec)]
    if not sec_rows:
        return ""
    sec_code = str(sec_rows[0]["code"])
    if not item:
        return sec_code
    candidates = {str(r["code"]): str(r.get("name")) for r in rows
                  if r.get("level") == 3 and str(r.get("code", "")).startswith(sec_code)}
    exact = [c for c, n in candidates.items() if squeeze(n) == squeeze(item)]
    if exact:
        return exact[0]
    scored = sorted(((sum(1 for ch in set(item) if ch in n) / max(len(set(item)), len(set(n))), c)
                     for c, n in candidates.items()), reverse=True)
    if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return ""


_INCOME_RENAME = {"上级一般公共预算安排的转移支付": "上级一般公共预算安排的转移支付"}
_THREE = (("因公出国", "因公出国（境）费"), ("公务用车购置费", "公务用车购置费"),
          ("公务用车运行费", "公务用车运行费"), ("公务接待费", "公务接待费"))


def narrative_changes(lines: list[str], tables: dict[str, list[Row]], warnings: list[Warning_]) -> list[Row]:
    """Every statement of 第三部分 that prints an amount, in document order."""
    p3 = part(lines, "三")
    if not p3:
        warnings.append(Warning_("第三部分 (情况说明) not found; no narrative_changes"))
        return []
    chs = chapters(p3)
    rows: list[Row] = []
    total = _chapter(chs, "收支预算", "总体", exclude=("财政拨款",))
    m = re.search(r"收支总预算" + NUM + r"万?元", total)
    if m:
        rows.append({"section": "收支总预算", "code": "", "amount": dec(m.group(1)),
                     "change": None, "change_pct": None, "reason": ""})
    rows += _labelled(_chapter(chs, "收入预算", exclude=("财政拨款", "收支")), "收入预算", _INCOME_RENAME)
    rows += _labelled(_chapter(chs, "支出预算", exclude=("财政拨款", "收支", "一般公共")), "支出预算")
    current = _chapter(chs, "一般公共预算当年拨款")
    scale = re.split(r"[（(]二[）)]", current)[0]
    rows += _labelled(scale, "一般公共预算当年拨款")
    use = re.split(r"[（(]三[）)]", current)
    if len(use) > 1:
        for m in _ITEM.finditer(use[1]):
            names = (m.group("cls"), m.group("sec"), m.group("item"))
            section = "/".join(n for n in names if n)
            row = _statement(section, m, _item_code(names, tables))
            if m.group("unit") != "万元":
                row["_printed_unit"] = m.group("unit")  # kept for the audit; not a contract column
            rows.append(row)
    basic = _chapter(chs, "一般公共预算基本支出")
    m = re.search(r"基本支出" + NUM + r"万元", basic)
    if m:
        rows.append({"section": "一般公共预算基本支出", "code": "", "amount": dec(m.group(1)),
                     "change": None, "change_pct": None, "reason": ""})
    for label in ("人员经费", "公用经费"):
        m = re.search(label + NUM + r"万元", basic)
        if m:
            rows.append({"section": f"一般公共预算基本支出/{label}", "code": "", "amount": dec(m.group(1)),
                         "change": None, "change_pct": None, "reason": ""})
    rows += _three_public(_chapter(chs, "三公"))
    other = _chapter(chs, "其他重要事项")
    m = re.search(r"运行经费(?:财政拨款)?(?:预算)?" + NUM.replace("(", "(?P<amount>", 1) + r"万元[，,]?" + _CHANGE + _REASON, other)
    if m:
        rows.append(_statement("运行经费", m))
    return rows


def _three_public(text: str) -> list[Row]:
    if not text:
        return []
    rows: list[Row] = []
    m = re.search(r"三公”?\"?经费(?:预算)?数为" + NUM + r"万元", text)
    head = text.split("。")[0]
    changes_text = text[len(head):]
    mc = re.search(r"三公”?\"?经费[^，。0-9]{0,6}?" + _CHANGE, changes_text)
    if m:
        rows.append({
            "section": "三公经费", "code": "", "amount": dec(m.group(1)),
            "change": _signed(mc.group("dir"), mc.group("chg")) if mc else None,
            "change_pct": _signed(mc.group("dir2") or mc.group("dir"), mc.group("pct")) if mc else None,
            "reason": "",
        })
    amounts = {}
    for key, _label in _THREE:
        ma = re.search(key + r"[^0-9，,。；]*?" + NUM + r"万元", head)
        amounts[key] = dec(ma.group(1)) if ma else None
    found = []
    for key, label in _THREE:
        mm = re.search(key + r"[^0-9，,。；]*?(?:(?:比|较)上年(?:预算)?)?" + _CHANGE_CORE + _REASON, changes_text)
        if mm:
            found.append((mm.start(), key, label, mm))
    for _, key, label, mm in sorted(found):
        rows.append({
            "section": f"三公经费/{label}", "code": "", "amount": amounts.get(key),
            "change": _signed(mm.group("dir"), mm.group("chg")),
            "change_pct": _signed(mm.group("dir2") or mm.group("dir"), mm.group("pct")),
            "reason": (mm.group("reason") or "").strip(),
        })
    return rows


# ------------------------------------------------------------------ unit facts

_ENUM = re.compile(r"[（(][一二三四五六七八九十]+[)）]")
_NUM_ENUM = re.compile(r"(?:^|(?<=[。；;：:]))\d{1,2}[.、．](?!\d)")


def _split_top(text: str, sep: str = "、") -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [s.strip() for s in out if s.strip()]


def unit_facts(lines: list[str], warnings: list[Warning_]) -> dict:
    """functions, departments, staffing, published_on and the other facts of 第三部分 十二."""
    facts: dict = {}
    p1 = part(lines, "一")
    chs = chapters(p1)
    functions = _chapter(chs, "主要职能")
    if functions:
        items = _ENUM.split(functions)[1:]
        if len(items) < 2:
            items = _NUM_ENUM.split(functions)[1:]
        facts["functions"] = [re.sub(r"^[:：、.]", "", i).strip() for i in items if i.strip()]
    else:
        warnings.append(Warning_("第一部分 主要职能 not found"))
    org = _chapter(chs, "机构设置")
    m = re.search(r"(?:分别是|分别为|包括)[:：](.*?)。", org)
    if m:
        facts["departments"] = _split_top(m.group(1))
    staffing: dict = {}
    for key, label in (("authorized", r"(?:编制数|编制人数|核定编制)"), ("actual", r"(?:实有人数|实有人员)")):
        m = re.search(label + r"[为:：共]?(\d+)", org)
        if m:
            staffing[key] = int(m.group(1))
    for key, label in (("employed", "在职"), ("retired", "退休"), ("retired_special", "离休")):
        m = re.search(rf"(?<!离){label}(?:人员)?(\d+)人(?:[，,](增加|减少)(\d+)人)?", org)
        if m:
            staffing[key] = int(m.group(1))
            if m.group(2):
                staffing[f"{key}_change"] = int(m.group(3)) * (-1 if m.group(2) == "减少" else 1)
    if staffing:
        facts["staffing"] = staffing
    dates = [m for line in lines[-12:] for m in re.finditer(r"(\d{4})年(\d{1,2})月(\d{1,2})日$", line)]
    if dates:
        y, mo, d = dates[-1].groups()
        facts["published_on"] = f"{y}-{int(mo):02d}-{int(d):02d}"
    facts["other"] = _other_facts(part(lines, "三"))
    projects = project_descriptions(lines)
    if projects:
        facts["projects"] = projects
    return facts


_PROJECT_KEYS = {
    "政策依据": "policy_basis", "预算安排规模": "scale", "安排规模": "scale", "承担单位": "undertaker",
    "实施单位": "undertaker", "资金分配": "allocation", "执行时间": "period", "资金来源": "funding_source",
    "补贴标准": "subsidy_standard", "补贴范围": "subsidy_scope", "补贴人数": "beneficiaries", "绩效目标": "targets",
}


_PROJECT_LABEL = re.compile(
    r"(设立的政策依据|政策依据|预算安排规模|安排规模|项目承担单位|承担单位|实施单位|资金分配情况|资金执行时间|"
    r"执行时间|资金来源|补贴标准|补贴范围|补贴人数|补贴对象|绩效目标)[:：]"
)


def project_descriptions(lines: list[str]) -> list[dict]:
    """第三部分 七: one dict per project (name, policy basis, scale, allocation, period, …)."""
    body = _chapter(chapters(part(lines, "三")), "项目支出")
    chunks = re.split(r"(?:[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．])?\s*项目名称[:：]", body)[1:]
    projects = []
    for chunk in chunks:
        chunk = re.sub(r"(?:[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．])$", "", chunk)
        marks = list(_PROJECT_LABEL.finditer(chunk))
        name_end = marks[0].start() if marks else len(chunk)
        project: dict = {"name": chunk[:name_end].strip("。；; ")}
        for k, m in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(chunk)
            label = m.group(1)
            key = next((v for kw, v in _PROJECT_KEYS.items() if kw in label), None)
            value = chunk[m.end():end].strip("。；; ")
            if key and key not in project:
                project[key] = value
        projects.append(project)
    return [p for p in projects if p["name"]]


def _num(pattern: str, text: str, cast=Decimal):
    m = re.search(pattern, text)
    if not m:
        return None
    value = dec(m.group(1))
    if value is None:
        return None
    return int(value) if cast is int else value


def _other_facts(p3: list[str]) -> dict:
    chs = chapters(p3)
    text = _chapter(chs, "其他重要事项")
    three = _chapter(chs, "三公")
    other: dict = {}
    pairs = {
        "three_public_total": (r"三公”?\"?经费(?:预算)?数为" + NUM + "万元", three),
        "operating_costs": (r"运行经费(?:财政拨款)?(?:预算)?" + NUM + "万元", text),
        "procurement_total": (r"政府采购预算(?:总额)?(?:为)?" + NUM + "万元", text),
        "procurement_goods": (r"政府采购货物预算" + NUM + "万元", text),
        "procurement_works": (r"政府采购工程预算" + NUM + "万元", text),
        "procurement_services": (r"政府采购服务预算" + NUM + "万元", text),
    }
    for key, (pattern, where) in pairs.items():
        value = _num(pattern, where)
        if value is not None:
            other[key] = value
    assets = {
        "building_m2": _num(r"房屋" + NUM + "平方米", text),
        "building_value": _num(r"房屋" + NUM + r"平方米[，,]价值" + NUM.replace("(", "(?:", 1) + "万元", text) and
        _num(r"房屋" + NUM.replace("(", "(?:", 1) + r"平方米[，,]价值" + NUM + "万元", text),
        "vehicles": _num(r"车辆" + NUM + "辆", text, int),
        "vehicles_value": _num(r"车辆" + NUM.replace("(", "(?:", 1) + r"辆[，,]价值" + NUM + "万元", text),
        "furniture_value": _num(r"办公家具价值" + NUM + "万元", text),
        "other_value": _num(r"其他资产价值" + NUM + "万元", text),
    }
    assets = {k: v for k, v in assets.items() if v is not None}
    if assets:
        other["assets"] = assets
    return other



def statement_pages(doc: Document, rows: list[Row]) -> None:
    """Set each statement's `source_page`. Statements are in document order, so each one's number
    (its amount, else its change) with a money unit is looked for after the previous statement's,
    from the last 第三部分 heading on. A number not found leaves the page empty — never a guess."""
    texts = ["".join(squeeze(line) for line in page.lines).replace(",", "") for page in doc.pages]
    starts, text = [], ""
    for page_text in texts:
        starts.append(len(text))
        text += page_text
    heads = [m.start() for m in re.finditer(r"第三部分", text)]
    cursor = heads[-1] if heads else 0
    for row in rows:
        number = row.get("amount") if row.get("amount") is not None else row.get("change")
        if number is None:
            continue
        rx = re.compile(r"(?<![\d.])" + re.escape(format(abs(number), "f")) + r"(?!\d)(?:万元|元)")
        m = rx.search(text, cursor)
        if m is None:
            continue
        page_index = max(i for i, start in enumerate(starts) if start <= m.start())
        row["source_page"] = doc.pages[page_index].number
        cursor = m.end()
