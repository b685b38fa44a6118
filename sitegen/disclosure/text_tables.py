"""The eleven tables from a text disclosure (copied from a web page, exported, Markdown).

Rows are rebuilt from lines: a row starts at a code or a total label and takes the
wrapped lines under it. Tab-separated rows keep their cells, so their numbers go where
the cells are; plain rows lose the column positions, and `placement` puts the numbers back
from the template's arithmetic and what other tables and the narrative say.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..contract import BY_NAME
from ..extract.document import Document
from . import template, vocabulary
from .codes import text_code_lines
from .model import Reading, Row, Table, Warning_
from .narrative import squeeze
from .numbers import NotAnAmount, is_amount, looks_numeric, parse_amount
from .placement import TextRow, solve, solve_orders

_CODE_START = re.compile(r"^(\d{3}|\d{5}|\d{7})$")
_CODE2 = re.compile(r"^\d{2}$")
_GLUED = re.compile(r"^(\d{2,7})\s*([^\d.,\s%].*)$")
_GLUED_AMOUNT = re.compile(r"^(.*[\u4e00-\u9fff）)])(\d[\d,]*(?:\.\d+)?)$")  # `…补助经费3`: a name, then digits
_STRONG_HEADER = re.compile(r"科目|编码|功能分类|经济分类|财政拨款（补助）|财政拨款\(补助\)|财政专户|单位资金|预算数|支出预算")
_TOTAL = re.compile(r"^(合计|总计)")
_SKIP = re.compile(r"(编制(部门|单位)|单位\s*[:：]\s*(万元|元)|^\s*表\s*\d+\s*$|^\s*\d{1,2}\s*$|^\s*[-—]\s*\d{1,3}\s*[-—]\s*$"
                   r"|^\s*※[※\s\d]*$)")
_PART = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")


def _num(token: str) -> Decimal | None:
    try:
        return parse_amount(token)
    except NotAnAmount:
        return None


def _is_num(token: str) -> bool:
    return is_amount(token)


def _screen(lines: list[str], title: str, warnings: list[Warning_]) -> list[str]:
    """Drop tokens meant as numbers that the number grammar refuses ("1e5", "NaN", "１２"),
    each reported: a tab cell becomes empty in place (its row never shifts), a plain token
    leaves its number to be placed (or reported) by the arithmetic."""
    out = []
    for line in lines:
        parts = line.split("\t") if "\t" in line else re.split(r"(\s+)", line)
        bad = [p for p in parts if looks_numeric(p) and not is_amount(p)]
        if bad:
            warnings.append(Warning_(f"{', '.join(map(repr, bad))} not a number; left empty", None, title))
            parts = ["" if looks_numeric(p) and not is_amount(p) else p for p in parts]
            line = "\t".join(parts) if "\t" in line else "".join(parts)
        out.append(line)
    return out


def _tokens(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return line.split()


def locate(lines: list[str]) -> list[tuple[str, str, int, int]]:
    """(resource, title, first line, end line) of every table title in the text."""
    found = []
    for i, line in enumerate(lines):
        text = re.sub(r"^\s*[-*•]\s+", "", line).strip()
        resource = template.title_resource(text)
        if resource and len(squeeze(text)) <= 40:
            found.append((resource, template.norm(text), i))
    out = []
    for k, (resource, title, i) in enumerate(found):
        end = found[k + 1][2] if k + 1 < len(found) else len(lines)
        for j in range(i + 1, end):
            if _PART.match(lines[j]):
                end = j
                break
        if out and out[-1][0] == resource and re.search(r"续\)?$", title) and out[-1][3] == i:
            out[-1] = (resource, out[-1][1], out[-1][2], end)  # …表（续）: the same table goes on
            continue
        out.append((resource, title, i + 1, end))
    return out


# ---------------------------------------------------------------- rows


class _Raw:
    """A logical row: its tokens per line (plain) or cells (tab-separated)."""

    def __init__(self, first: list[str], tabbed: bool):
        self.lines = [first]
        self.tabbed = tabbed
        self.before: list[list[str]] = []  # wrapped name lines printed above the row's codes


_HEADER_WORDS = re.compile(r"科目|编码|功能分类|经济分类|预算数|财政拨款|类款项|^类$|^款$|^项$")


def _row_starts(tokens: list[str]) -> bool:
    cells = [t for t in tokens if t]
    if not cells:
        return False
    first = cells[0]
    if _CODE_START.match(first) or (_GLUED.match(first) and len(first) > 4 and _CODE_START.match(first[:3])):
        return True
    if _TOTAL.match(squeeze("".join(cells[:3]))):
        return True
    # tab-separated: a line with a label and numbers is a row (e.g. the unit's subtotal row)
    return len(tokens) > 1 and any(_is_num(c) for c in cells[1:]) and not _is_num(first)


HEADER_WORD_CHARS = 4  # a lone header word this long repeats the header; a shorter one may end a wrapped name


def _repeats_header(tokens: list[str], header_words: set[str]) -> bool:
    """A line made only of words of the table's first header (a lone `助` or `上级` is rather
    the end of a wrapped name)."""
    return bool(tokens) and set(tokens) <= header_words and (len(tokens) > 1 or len(tokens[0]) >= HEADER_WORD_CHARS)


def _first_header_words(body: list[str]) -> set[str]:
    """The words of the lines above the table's first amount: its header, as first printed."""
    first = next((k for k, line in enumerate(body) if any(is_amount(t) for t in _tokens(line))), len(body))
    return {t for line in body[:first] for t in _tokens(line) if t}


def _raw_rows(lines: list[str], header_words: set[str] = frozenset()) -> tuple[list[_Raw], str | None]:
    rows: list[_Raw] = []
    unit = None
    in_header = False
    pending: list[list[str]] = []  # text lines since the last row start
    for line in lines:
        if not line.strip():
            continue
        m = _UNIT.search(line)
        if m:
            unit = m.group(1)
        if _SKIP.search(line) or line.strip().startswith(("备注", "注：", "注:")):
            continue
        if "。" in line or "为空表" in line or "，" in line:
            continue  # a sentence (the 备注 of an empty table), not a row
        tokens = _tokens(line)
        if _index_row([t for t in tokens if t]):
            continue  # the 类 款 项 / ※ 1 2 3 index row
        tabbed = "\t" in line
        total_without_numbers = _TOTAL.match(squeeze(line)) and not any(_is_num(t) for t in tokens) and len(tokens) > 2
        if _row_starts(tokens) and not total_without_numbers and (tabbed or rows or not _HEADER_WORDS.search(squeeze(line))):
            row = _Raw(tokens, tabbed)
            if pending and rows and _is_complete(rows[-1].lines[0]) and not _has_name(tokens):
                # a name wrapped around its numbers ("人力资源和社会保障管理" / "208 01 260.53 …" / "事务"):
                # the lines just above belong to this row, not to the complete row before them
                row.before = pending
                for _ in pending:
                    rows[-1].lines.pop()
            rows.append(row)
            pending = []
            in_header = False
        elif (_STRONG_HEADER.search(squeeze(line)) or total_without_numbers
              or (rows and _repeats_header(tokens, header_words))):
            in_header = True  # a header repeated after a page break: skip it up to the next row
        elif rows and not in_header and not rows[-1].tabbed and not tabbed and not _HEADER_WORDS.search(squeeze(line)):
            rows[-1].lines.append(tokens)  # a wrapped name, or the numbers under it
            pending.append(tokens)
    return rows, unit


def _has_name(tokens: list[str]) -> bool:
    _, rest = _split_codes(tokens)
    return any(t and not _is_num(t) for t in rest)


def _is_complete(tokens: list[str]) -> bool:
    """A start line that holds its name and its numbers."""
    _, rest = _split_codes(tokens)
    return _has_name(tokens) and any(_is_num(t) for t in rest)


def _split_codes(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Leading code tokens (208 / 01 / 09, or 2080109, or '09 名称' glued) and the rest."""
    codes: list[str] = []
    rest = list(tokens)
    while rest:
        t = rest[0]
        if not t:
            rest.pop(0)
            if codes:
                continue
            continue
        if not codes and _CODE_START.match(t):
            codes.append(rest.pop(0))
        elif codes and len(codes) < 3 and len("".join(codes)) < 7 and _CODE2.match(t):
            codes.append(rest.pop(0))
        elif codes and len("".join(codes)) < 7 and _GLUED.match(t) and len(_GLUED.match(t).group(1)) == 2:
            m = _GLUED.match(t)
            codes.append(m.group(1))
            rest[0] = m.group(2)
            break
        elif not codes and _GLUED.match(t):
            m = _GLUED.match(t)
            codes.append(m.group(1))
            rest[0] = m.group(2)
            break
        else:
            break
    return codes, rest


def _index_row(cells: list[str]) -> bool:
    """类 款 项 1 2 3 … or ※ ※ 1 2 3: labels and a run of column numbers, no amounts."""
    if not cells or not all(re.fullmatch(r"[类款项※]|\d{1,2}", c) for c in cells):
        return False
    numbers = [int(c) for c in cells if c.isdigit()]
    marks = [c for c in cells if not c.isdigit()]
    return bool(marks) or (len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers))))


def _classification(raw: _Raw, value_count: int, has_project: bool):
    """code, name, extra text parts, values in order, and (tab rows) the values by position."""
    if raw.tabbed:
        return _tabbed(raw.lines[0], value_count, has_project)
    codes, rest = _split_codes(raw.lines[0])
    texts: list[str] = [t for tokens in raw.before for t in tokens if t and not _is_num(t)]
    values: list[Decimal] = []
    for index, tokens in enumerate(raw.lines):
        for t in (rest if index == 0 else tokens):
            if _is_num(t):
                values.append(_num(t))
            elif t:
                texts.append(t)
    last = _last_word(rest)
    before = sum(1 for tokens in raw.before for t in tokens if t and not _is_num(t))
    texts, values = _unglue(texts, values, before + last if last >= 0 else -1)
    if has_project and len(texts) == 2 and not raw.before and len(raw.lines) == 1:
        # one line, two words: the subject's name and the project's, printed a column apart
        return "".join(codes), texts[0], [texts[1]], values, None
    return "".join(codes), "".join(texts), [], values, None


def _last_word(tokens: list[str]) -> int:
    """How many words of the first line come before its first amount (-1: none or no amount)."""
    words = 0
    for t in tokens:
        if _is_num(t):
            return words - 1 if words else -1
        if t:
            words += 1
    return -1


def _sums(values: list[Decimal]) -> bool:
    """One amount is the sum of the others (a total and its parts)."""
    return len(values) > 1 and any(v == sum(values) - v for v in values)


def _unglue(texts: list[str], values: list[Decimal], at: int) -> tuple[list[str], list[Decimal]]:
    """An amount the text export glued onto the word before it (`…业务补助经费3 3`): split off
    only when the row's total then equals its parts and did not before; otherwise as printed."""
    m = _GLUED_AMOUNT.match(texts[at]) if 0 <= at < len(texts) else None
    if m is None or _sums(values) or not _sums([_num(m.group(2)), *values]):
        return texts, values
    return [*texts[:at], m.group(1), *texts[at + 1:]], [_num(m.group(2)), *values]


def _tabbed(cells: list[str], value_count: int, has_project: bool):
    name_at = next((k for k, c in enumerate(cells) if c and not _is_num(c) and not _CODE2.match(c)
                    and not _CODE_START.match(c)), None)
    if name_at is None:
        return "", "", [], [_num(c) for c in cells if _is_num(c)], None
    codes = [c for c in cells[:name_at] if c]
    name = cells[name_at]
    m = _GLUED.match(name)
    if m and len(m.group(1)) in (2, 3, 5, 7) and len("".join(codes)) + len(m.group(1)) <= 7:
        codes.append(m.group(1))
        name = m.group(2)
    after = cells[name_at + 1:]
    project = ""
    if has_project and len(after) == value_count + 1:
        project, after = after[0], after[1:]
    values = [_num(c) for c in after if _is_num(c)]
    positional = None
    if len(after) == value_count and all(c == "" or _is_num(c) for c in after):
        positional = {k: _num(c) for k, c in enumerate(after) if c != ""}
    return "".join(codes), squeeze(name), [squeeze(project)] if project else [], values, positional


def read_text_tables(doc: Document, narrative: list[Row], warnings: list[Warning_]) -> dict[str, Table]:
    lines = [line for page in doc.pages for line in page.lines]
    tables: dict[str, Table] = {}
    order = sorted(locate(lines), key=lambda t: _PRIORITY.get(t[0], 50))
    for resource, title, start, end in order:
        if resource in tables:
            continue
        layout = template.layout(resource)
        body = lines[start:end]
        if layout.kind == "classification":  # codes first: `208.01` is no number to screen out
            body, alone = text_code_lines(body, BY_NAME[resource].classification == "economic")
            if alone:
                warnings.append(Warning_("款/项 codes printed alone: completed from the row above, "
                                         "款 or 项 told by the sums", None, title))
        # classification rows skip a repeated header themselves (its lines up to the next code)
        body = _without_repeated_headers(_screen(body, title, warnings), resource,
                                         header_words=layout.kind != "classification")
        raws, unit = _raw_rows(body, _first_header_words(body))
        table = Table(resource=resource, title=template._TITLE_PREFIX.sub("", title), unit=unit or "万元")
        if layout.kind == "two_sided":
            table.rows = _two_sided(body, resource, tables, warnings, table)
        elif layout.kind == "items":
            table.rows = _items(body, resource, tables, warnings, table)
        else:
            table.rows = _classified(raws, resource, tables, narrative, warnings, table, _header_lines(body))
        tabbed = any("\t" in line for line in lines[start:end])
        table.reading = Reading(columns="tab stops" if tabbed else "the template's arithmetic (placement.py)",
                                rows="text lines")
        tables[resource] = table
    projects = tables.get("general_project_expenditure")
    if projects is not None:  # now that 表2/3/5 are read, their names split 表7's run-together text
        known = _known_names(tables)
        for row in projects.rows:
            if row["code"] and len(row["code"]) == 7 and not row["project_name"]:
                row["name"], row["project_name"] = _split_project(row["code"], row["name"], known)
    return tables


_PRIORITY = {"income_expenditure_summary": 0, "general_project_expenditure": 1, "fiscal_summary": 2}


def _empty_columns(tables: dict[str, Table]) -> dict[str, set[str]]:
    """Columns 表1 proves empty: a source of income the unit has none of."""
    t1 = tables.get("income_expenditure_summary")
    if t1 is None:
        return {}
    income = {squeeze(str(r["item"])): r["amount"] for r in t1.rows if r["side"] == "income"}

    def blank(*words: str) -> bool:
        hits = [v for k, v in income.items() if all(w in k for w in words)]
        return bool(hits) and all(v is None or v == 0 for v in hits)

    fund, capital = blank("政府性基金"), blank("国有资本")
    out = {
        "income_summary": set(),
        "fiscal_summary": set(),
        "three_public_expenses": set(),
    }
    if fund:
        out["income_summary"] |= {"fund_budget", "fund_budget_transfer"}
        out["fiscal_summary"] |= {"fund_budget"}
        out["three_public_expenses"] |= {"fund_budget"}
    if capital:
        out["income_summary"] |= {"state_capital_budget", "state_capital_transfer"}
        out["fiscal_summary"] |= {"state_capital_budget"}
        out["three_public_expenses"] |= {"state_capital_budget"}
    if blank("财政专户"):
        out["income_summary"].add("special_account")
    if blank("单位资金"):
        out["income_summary"].add("unit_funds")
    if blank("财政拨款结转"):
        out["income_summary"].add("fiscal_carryover")
    if blank("非财政拨款"):
        out["income_summary"].add("nonfiscal_carryover")
    if blank("上级一般公共预算"):
        out["income_summary"].add("general_budget_transfer")
    return out


def _present(**values) -> dict:
    """The given fields that have a value."""
    return {name: value for name, value in values.items() if value is not None}


def _anchors(resource: str, tables: dict[str, Table], narrative: list[Row]) -> dict[str, dict]:
    said = {r["section"]: r["amount"] for r in narrative if r.get("amount") is not None}
    anchors: dict[str, dict] = {}
    if resource in ("expenditure_summary", "general_budget_expenditure"):
        total = _present(basic=said.get("支出预算/基本支出") or said.get("一般公共预算当年拨款/基本支出"),
                         project=said.get("支出预算/项目支出") or said.get("一般公共预算当年拨款/项目支出"))
        if total:
            anchors[""] = total
        t7 = tables.get("general_project_expenditure")
        if t7 and t7.rows:
            per_code: dict[str, Decimal] = {}
            for r in t7.rows:
                if r["code"] and r.get("total") is not None and (r["level"] == 3 or r.get("project_name") == ""):
                    per_code[r["code"]] = per_code.get(r["code"], Decimal(0)) + r["total"]
            for code, amount in per_code.items():
                anchors.setdefault(code, {})["project"] = amount
    if resource == "general_basic_expenditure":
        total = _present(personnel=said.get("一般公共预算基本支出/人员经费"),
                         public=said.get("一般公共预算基本支出/公用经费"))
        if total:
            anchors[""] = total
    if resource == "income_summary":
        t1 = tables.get("income_expenditure_summary")
        if t1:
            items = {squeeze(str(r["item"])): r["amount"] for r in t1.rows if r["side"] == "income"}
            total = _present(
                general_budget=next((v for k, v in items.items() if "一般财力" in k), None),
                general_budget_transfer=next((v for k, v in items.items() if k.startswith("上级一般公共预算")), None),
            )
            if total:
                anchors[""] = total
    return anchors


def _text_rows(parsed, fields: list[str] = (), rules=()) -> list[TextRow]:
    """One TextRow per parsed row; a tab row whose cells add up is placed by its cells."""
    rows: list[TextRow] = []
    for digits, _name, _extra, values, positional in parsed:
        level = 0 if not digits else {3: 1, 5: 2, 7: 3}.get(len(digits), 3)
        row = TextRow(digits, level, values)
        if positional is not None and fields:
            placed = {fields[k]: v for k, v in positional.items()}
            if _consistent(placed, fields, rules):
                row.candidates = [placed]
                row.chosen = placed
        rows.append(row)
    return rows


# part columns whose printed order varies between documents
_SWAPPABLE = (("basic", "project"), ("personnel", "public"), ("general_budget", "fund_budget"))


def _field_orders(resource: str, fields: list[str], header: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Every order of the value columns the text may print (each swappable pair either way),
    and the order the header prints where one header line names both columns of each pair
    (a wrapped label's pieces land on other lines, so never across lines): the anchors decide
    first, the printed header breaks their ties."""
    named = [template.match_columns(resource, [(t, "") for t in tokens]) for tokens in header]
    orders, printed = [list(fields)], list(fields)
    for a, b in _SWAPPABLE:
        if a not in fields or b not in fields:
            continue
        orders += [[b if f == a else a if f == b else f for f in order] for order in orders]
        line = next((n for n in named if a in n and b in n), None)
        if line is None:
            printed = None
        elif printed is not None and line.index(b) < line.index(a):
            printed = [b if f == a else a if f == b else f for f in printed]
    return orders, printed


def _without_repeated_headers(body: list[str], resource: str, header_words: bool = True) -> list[str]:
    """The body without what a page break repeats: the table's number (公开04表, 附表1), its title
    (…表（续）) and lines repeating the header above the first row."""
    first = next((k for k, line in enumerate(body) if any(is_amount(t) for t in _tokens(line))), len(body))
    words = _first_header_words(body)
    runs = _header_runs(body, first)
    out = body[:first]
    for k, line in enumerate(body[first:], start=first):
        tokens = [t for t in _tokens(line) if t]
        text = template.norm(line)
        header = (header_words and _repeats_header(tokens, words)) or k in runs
        if tokens and (header or vocabulary.TABLE_NUMBER.match(text)
                       or (text.endswith(("(续)", "续表")) and template.title_resource(line) == resource)):
            continue
        out.append(line)
    return out


def _header_runs(body: list[str], first: int) -> set[int]:
    """Lines below the first row that repeat two consecutive lines of the first header as printed
    (a wrapped header cell, `经济分` / `类科目`, printed again after a page break): short lines a
    wrapped name could end with, told apart by the line that comes with them."""
    head = [template.norm(line) for line in body[:first] if line.strip()]
    pairs = set(zip(head, head[1:], strict=False))
    lines = [(k, template.norm(line)) for k, line in enumerate(body) if k >= first and line.strip()]
    runs: set[int] = set()
    for (a, x), (b, y) in zip(lines, lines[1:], strict=False):
        if (x, y) in pairs:
            runs |= {a, b}
    return runs


def _header_lines(body: list[str]) -> list[list[str]]:
    """The lines above the table's first row."""
    out = []
    for line in body:
        tokens = _tokens(line)
        if _row_starts(tokens):
            break
        out.append(tokens)
    return out


def _classified(raws: list[_Raw], resource: str, tables, narrative, warnings, table: Table,
                header: list[list[str]] = ()) -> list[Row]:
    spec = BY_NAME[resource]
    fields = [f.name for f in spec.value_fields]
    rules = template.ROW_SUMS.get(resource, [])
    parsed = [_classification(raw, len(fields), "project_name" in spec.field_names) for raw in raws]
    # a total label with no number under it is a header cell ("合计" over a column), not a row
    parsed = [p for p in parsed if p[0] or p[3] or not _TOTAL.match(p[1])]
    rows = _text_rows(parsed, fields, rules)
    free = [r for r in rows if r.chosen is None]
    if free:
        rules = template.ROW_SUMS.get(resource, [])
        empty = _empty_columns(tables).get(resource, set())
        anchors = _anchors(resource, tables, narrative)
        if any(raw.tabbed for raw in raws):
            solve(rows, fields, rules, empty, anchors)
        else:
            orders, printed = _field_orders(resource, fields, header)
            rows = solve_orders(lambda: _text_rows(parsed), orders, rules, empty, anchors, printed)
    out: list[Row] = []
    for (digits, name, extra, values, _), row in zip(parsed, rows, strict=True):
        cls, sec, item = digits[:3], digits[3:5], digits[5:7]
        rec: Row = {"code": digits, "class_code": cls, "section_code": sec, "item_code": item,
                    "level": row.level, "name": name}
        if "project_name" in spec.field_names:
            rec["project_name"] = "".join(extra)
        chosen = row.chosen or {}
        for f in fields:
            rec[f] = chosen.get(f)
        rec["source_page"] = None
        if row.ambiguous:
            options = ["、".join(f"{k}={v}" for k, v in c.items()) for c in row.candidates[:4]]
            warnings.append(Warning_(
                f"row {digits or name}: cannot place {', '.join(str(v) for v in values)} uniquely "
                f"(candidates: {' | '.join(options)}); the uncertain cells are left empty",
                None, table.title))
        out.append(rec)
    return out


def _known_names(tables: dict[str, Table]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for resource in ("general_budget_expenditure", "expenditure_summary", "income_summary"):
        table = tables.get(resource)
        for row in table.rows if table else []:
            if row.get("code"):
                names.setdefault(str(row["code"]), set()).add(str(row["name"]))
    return names


def _split_project(digits: str, name: str, known: dict[str, set[str]]) -> tuple[str, str]:
    """Plain 表7 rows run the subject name and the project name together: split them where a
    name the other tables give this code (or its 款/类) ends."""
    candidates = sorted(known.get(digits, set()) | known.get(digits[:5], set()) | known.get(digits[:3], set()),
                        key=len, reverse=True)
    for candidate in candidates:
        if name.startswith(candidate) and len(name) > len(candidate):
            return candidate, name[len(candidate):]
    again = name.find(name[:3], 4) if len(name) > 8 else -1
    if again > 0:  # the project name restarts with the subject's first words ("财政对…财政对…")
        return name[:again], name[again:]
    for candidate in known.get(digits, set()):
        common = 0
        while common < min(len(candidate), len(name)) and candidate[common] == name[common]:
            common += 1
        if 4 <= common < len(name):
            return name[:common], name[common:]
    return name, ""


def _consistent(placed: dict, fields: list[str], rules) -> bool:
    """A tab row's cells are trusted when the total is where it belongs and the row adds up."""
    if placed and fields[0] not in placed:
        return False
    return all(abs((placed.get(t) or 0) - sum((placed.get(p) or 0) for p in parts)) <= Decimal("0.011")
               for t, parts in rules if t in placed or any(p in placed for p in parts))


def _groups(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """Consecutive text tokens and number tokens: [("text", [...]), ("num", [...]), …].

    A three-digit integer followed by text is a function code opening a label, not an amount.
    """
    split: list[str] = []
    for t in tokens:
        m = re.match(r"^(\d{3})([^\d.,\s%].*)$", t) if t else None
        split.extend([m.group(1), m.group(2)] if m else [t] if t else [])
    tokens = split
    out: list[tuple[str, list[str]]] = []
    for k, t in enumerate(tokens):
        code = bool(_CODE_START.match(t)) and k + 1 < len(tokens) and not _is_num(tokens[k + 1])
        kind = "num" if _is_num(t) and not code else "text"
        if out and out[-1][0] == kind and not (code and kind == "text"):
            out[-1][1].append(t)
        else:
            out.append((kind, [t]))
    return out


def _two_sided(lines: list[str], resource: str, tables, warnings, table: Table) -> list[Row]:
    spec = BY_NAME[resource]
    fields = [f.name for f in spec.value_fields]
    empty = _empty_columns(tables).get(resource, set())
    income: list[Row] = []
    spending: list[Row] = []
    started = False
    for line in lines:
        if not line.strip() or _SKIP.search(line):
            continue
        text = squeeze(line)
        if not started:
            if text.startswith(("一、", "201", "收入总计")) or re.match(r"^\S+\s+[\d,.]+", line):
                started = bool(re.match(r"^(一、|1\.|\d{3})", text)) or "收入" in text
            if not started:
                continue
        for index, (label, nums) in enumerate(_line_sides(line)[:2]):
            rec = _side_record(index, label.strip(), nums, resource, fields, empty)
            if rec is not None:
                (income if rec["side"] == "income" else spending).append(rec)
    for side_rows in (income, spending):
        for k, rec in enumerate(side_rows, start=1):
            rec["line"] = k
    ordered = [{"side": r["side"], "line": r["line"], "code": r["code"], "item": r["item"],
                **{f: r.get(f) for f in fields}, "source_page": None} for r in income + spending]
    return ordered


def _line_sides(line: str) -> list[tuple[str, list[str]]]:
    """One line of a two-sided table as (label, amounts) per side, left to right: tab-separated
    cells, or runs of words and numbers."""
    if "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
        left, right = cells[:2], cells[2:]
        return [(left[0] if left else "", [c for c in left[1:2] if c]),
                (right[0] if right else "", [c for c in right[1:] if c])]
    sides = []
    current_label, current_nums = None, []
    for kind, toks in _groups(line.split()):
        if kind == "text":
            if current_label is not None:
                sides.append((current_label, current_nums))
            current_label, current_nums = "".join(toks), []
            if toks and _CODE_START.match(toks[0]):
                current_label = toks[0] + " " + "".join(toks[1:])
        else:
            current_nums.extend(toks)
    if current_label is not None:
        sides.append((current_label, current_nums))
    if len(sides) == 1 and re.match(r"^\d{3}", sides[0][0]):
        sides = [("", []), sides[0]]
    # "收入总计 x 支出总计 y" printed with spaces inside the labels
    if len(sides) == 1 and "支出总计" in squeeze(sides[0][0]):
        sides = [("收入总计", sides[0][1][:1]), ("支出总计", sides[0][1][1:])]
    return sides


def _side_record(index: int, label: str, nums: list[str], resource: str, fields: list[str], empty) -> Row | None:
    """One side's row (income left, expenditure right): its code, item and amounts (the
    expenditure side's parts placed by the row sums); None for an empty side."""
    if not label and not nums:
        return None
    code = ""
    m = re.match(r"^(\d{3})\s*(\S.*)$", label)
    side = "income" if index == 0 else "expenditure"
    if side == "expenditure" and m:
        code, label = m.group(1), m.group(2)
    values = [_num(n) for n in nums]
    rec: Row = {"side": side, "code": code, "item": squeeze(label)}
    if resource == "income_expenditure_summary" or side == "income":
        rec.update({f: None for f in fields})
        rec[fields[0]] = values[0] if values else None
    else:
        rows = [TextRow(code, 1, values)]
        solve(rows, fields, template.ROW_SUMS.get(resource, [("total", tuple(fields[1:]))]), empty, {})
        rec.update({f: (rows[0].chosen or {}).get(f) for f in fields})
    rec["source_page"] = None
    return rec


def _items(lines: list[str], resource: str, tables, warnings, table: Table) -> list[Row]:
    spec = BY_NAME[resource]
    fields = [f.name for f in spec.value_fields]
    rules, empty = template.ROW_SUMS.get(resource, []), _empty_columns(tables).get(resource, set())
    out: list[Row] = []
    started = False
    for line in lines:
        if not line.strip() or _SKIP.search(line):
            continue
        tokens = _tokens(line)
        text = squeeze(line)
        if not started:
            if not _TOTAL.match(text) or not any(_is_num(t) for t in tokens if t):
                continue  # the body starts at the 合计 row with its numbers
            started = True
        if text.startswith(("备注", "注")):
            break
        label = "".join(t for t in tokens if t and not _is_num(t))
        values = [_num(t) for t in tokens if t and _is_num(t)]
        if out and not label and values and all(out[-1].get(f) is None for f in fields):
            label = out.pop()["item"]  # the numbers of the label printed on the line above
        elif out and label.startswith(("（", "(")) and "\t" not in line:
            # "公务用车购置及运行费" / "（小计） 1.22 1.22": one label over two lines
            previous = out.pop()
            label = previous["item"] + label
            if not values:
                values = [v for v in (previous.get(f) for f in fields) if v is not None]
        if "\t" in line:
            cells = [c for c in tokens[1:]]
            if len(cells) >= len(fields):
                placed = {fields[k]: _num(c) for k, c in enumerate(cells[:len(fields)]) if c}
                out.append({"item": label, **{f: placed.get(f) for f in fields}, "source_page": None})
                continue
        rows = [TextRow(label, 1, values)]
        solve(rows, fields, rules, empty, {})
        if rows[0].ambiguous:
            warnings.append(Warning_(f"row {label}: cannot place {values} uniquely", None, table.title))
        out.append({"item": label, **{f: (rows[0].chosen or {}).get(f) for f in fields}, "source_page": None})
    return out
