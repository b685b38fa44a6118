"""What the national template (and its provincial cousins) print: table titles and headers.

Everything here is matched by meaning (key words), never by position or by a document's
own names or numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..contract import ROW_SUMS  # noqa: F401  (re-exported: the text front end places numbers by them)

_SPACE = re.compile(r"\s+")
_TRANSLATE = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "：": ":", "，": ","})


def norm(text: str) -> str:
    """Normalise a label for matching: no spaces, ASCII brackets and quotes."""
    return _SPACE.sub("", text).translate(_TRANSLATE)


# ---------------------------------------------------------------- table titles

_TITLE_PREFIX = re.compile(r"^((?:附|公开)?表\s*(?:[0-9]+|[一二三四五六七八九十]+)(?:[-—]\d+)?[-—.、:：]?\s*)")
_NUMBERED = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、])")
_YEAR = re.compile(r"^(20\d\d|19\d\d)年(度)?")


def title_resource(line: str) -> str | None:
    """The resource a table title line stands for, or None when the line is no table title."""
    text = norm(line)
    text = _TITLE_PREFIX.sub("", text)
    # （功能科目）, （经济科目）, or a qualifier the title wraps onto its next line: "（按支出功能分类科"
    qualifier = re.search(r"\([^()]*\)?$", text)  # the part strip_qualifier removes
    text = text[:qualifier.start()] if qualifier else text
    if not text.endswith("表") or len(text) > 40 or len(text) < 4:
        return None
    resource = _title_meaning(text)
    if qualifier and (resource == "general_budget_expenditure" and "经" in qualifier.group()
                      or resource == "general_basic_expenditure" and "功" in qualifier.group()):
        return None  # 一般公共预算支出 by economic class, 基本支出 by function: no contract resource
    return resource


def strip_qualifier(text: str) -> str:
    """A title without its trailing （…） qualifier, also one left open by a line wrap."""
    return re.sub(r"\([^()]*\)?$", "", text)


def _title_meaning(text: str) -> str | None:
    """The resource a title (prefix and qualifier removed) means."""
    if _NUMBERED.match(text) or "为空表" in text or "。" in text or "," in text:
        return None
    text = _YEAR.sub("", text)
    has = lambda *ws: all(w in text for w in ws)  # noqa: E731
    if "决算" in text:
        return final_title_resource(text)
    # tables the contract has no resource for: they become extra_<slug> resources
    if "机关运行经费支出" in text or "政府采购" in text:
        return None
    if "结转结余" in text and ("明细" in text or "情况表" in text) and "收支" not in text:
        return "prior_year_carryover"
    if "专项业务经费" in text and "支出" in text:
        return "general_project_expenditure"  # Xi'an's name for the project expenditure table
    if "财政拨款" in text and "支出" in text and "收支" not in text and "一般公共" not in text \
            and "三公" not in text and "基金" not in text and "国有资本" not in text:
        return None
    if "三公" in text:
        return "three_public_expenses"
    if ("基本支出" in text or "项目支出" in text) and "一般公共" not in text and "总体" not in text:
        return None  # 基本支出总表, 项目支出预算表: by source or by project, no contract resource
    if has("财政拨款收支"):
        return "fiscal_summary"
    if has("一般公共预算基本支出"):
        return "general_basic_expenditure"
    if has("一般公共预算项目支出"):
        return "general_project_expenditure"
    if has("一般公共预算", "支出"):
        return "general_budget_expenditure"
    if has("政府性基金", "支出"):
        return "fund_budget_expenditure"
    if has("国有资本经营", "支出"):
        return "state_capital_expenditure"
    if "收支" in text and ("总体" in text or "总表" in text):
        return "income_expenditure_summary"
    if "收入" in text and ("总体" in text or "总表" in text):
        return "income_summary"
    if "支出" in text and ("总体" in text or "总表" in text):
        return "expenditure_summary"
    return None


def final_title_resource(text: str) -> str | None:
    """The final_* resource a 决算 table title stands for (national 决算 template, 公开01–09表)."""
    has = lambda *ws: all(w in text for w in ws)  # noqa: E731
    if "三公" in text:
        return "final_three_public_expenses"
    if "机关运行经费" in text or "政府采购" in text or "国有资产" in text:
        return None
    if has("政府性基金"):
        return "final_fund_budget"
    if has("国有资本经营"):
        return "final_state_capital"
    if has("一般公共预算", "基本支出"):
        return "final_general_basic_expenditure"
    if has("一般公共预算", "支出"):
        return "final_general_budget_expenditure"
    if has("财政拨款收入支出"):
        return "final_fiscal_summary"
    if has("收入支出决算总表") or has("收入支出决算表"):
        return "final_income_expenditure_summary"
    if has("收入决算"):
        return "final_income"
    if has("支出决算"):
        return "final_expenditure"
    return None


def table_number(line: str) -> str:
    m = _TITLE_PREFIX.match(norm(line))
    return re.sub(r"[-—.、:：]$", "", m.group(1)) if m else ""


# ---------------------------------------------------------------- header columns

Pred = Callable[[str, str], bool]  # (own label, parent labels) -> bool


def _any(*words: str) -> Pred:
    return lambda own, ctx: any(w in own for w in words)


def _all(*words: str) -> Pred:
    return lambda own, ctx: all(w in own for w in words)


_TOTAL_OWN = re.compile(r"(?:(?:19|20)\d\d年(?:度)?)?(?:合计|总计|小计|金额|预算数|预算金额|预算)")


def _total(own: str, ctx: str) -> bool:
    return bool(_TOTAL_OWN.fullmatch(own)) or own.endswith("合计") or own.endswith("总计")


_CODE_WORDS = re.compile(r"功能分类|经济分类|支出功能分类|科目|编码|代码")


def _code(own: str, ctx: str) -> bool:
    """类/款/项 columns, 科目编码 — also when a wrapped parent's last characters ('码') joined them,
    or when the 类/款/项 cells under a 科目编码 heading were not read as header (own empty)."""
    if own.startswith(("单位", "预算单位")):
        return False  # 单位编码: a unit's code, not a classification code (kept as an x_ text field)
    if "编码" in own or "代码" in own or (not own and ("编码" in ctx or "代码" in ctx)):
        return True
    rest = _CODE_WORDS.sub("", own)
    return bool(rest) and len(rest) <= 3 and set(rest) <= set("类款项码编号")


def _name(own: str, ctx: str) -> bool:
    return ("名称" in own and "项目名称" not in own) or own in ("科目", "功能分类", "经济分类") or (
        own.endswith("科目") and len(own) <= 12)


def _nonfiscal(own: str, ctx: str) -> bool:
    return "非财政" in ctx or "非财政" in own


@dataclass(frozen=True)
class Layout:
    """How a resource's printed table is laid out and how its header cells map to fields."""

    kind: str  # "classification", "two_sided" or "items"
    text_columns: tuple[tuple[str, Pred], ...]
    value_columns: tuple[tuple[str, Pred], ...]


def _carry(own: str, ctx: str) -> bool:
    return any(w in own or w in ctx for w in ("结转", "结余"))


_SUB = ("小计", "合计", "金额")


def _part(word: str) -> Pred:
    """A part column: its own label names it, or it is the 小计 of a group that does (基本支出 / 小计)."""
    def pred(own: str, ctx: str) -> bool:
        own = re.sub(r"^其中[:：]?", "", own)
        named = word in own and not own.endswith("的项目") and "类别" not in own  # not 专项资金列入…的项目
        return named or (own in _SUB and word in ctx)

    return pred


def _source(word: str) -> Pred:
    """An income source column (一般公共预算 …), not its carry-over nor a higher level's transfer."""
    return lambda own, ctx: not _carry(own, ctx) and "上级" not in own and (
        word in own or (own in _SUB and word in ctx))


def _fiscal_subtotal(own: str, ctx: str) -> bool:
    """财政拨款(补助)小计 — printed as 财政拨款收入, 本级财政拨款 / 金额, or a 小计 under 财政拨款."""
    if _carry(own, ctx) or "专户" in own + ctx or any(w in own + ctx for w in ("一般公共", "基金", "国有资本")):
        return False
    return ("小计" in own and "财政" in own + ctx) or own in ("财政拨款收入", "财政拨款") or (
        own in _SUB and "财政拨款" in ctx)


def _income_total(own: str, ctx: str) -> bool:
    return not _carry(own, ctx) and own in ("总计", "合计", "收入总计", "收入合计", "本年收入合计") and not any(
        w in ctx for w in ("财政", "一般公共", "基金", "国有资本", "单位资金"))


_CLASS_TEXT = (("project_name", _any("项目名称")), ("code", _code), ("name", _name))
_BASIC_PROJECT = (
    ("total", lambda own, ctx: _total(own, ctx) and not any(w in ctx for w in ("基本", "项目"))),
    ("basic", _part("基本")),
    ("project", _part("项目")),
)
_FUND = (
    ("total", _total),
    ("basic_personnel", _any("人员")),
    ("basic_public", _any("公用")),
    ("project", _any("项目")),
)
_SOURCES = (
    ("total", _total),
    ("general_budget", _any("一般公共")),
    ("fund_budget", _any("基金")),
    ("state_capital_budget", _any("国有资本")),
)

LAYOUTS: dict[str, Layout] = {
    "income_expenditure_summary": Layout(
        "two_sided",
        (("item", lambda own, ctx: not _amount_label(own)),),
        (("amount", lambda own, ctx: _amount_label(own)),),
    ),
    "income_summary": Layout(
        "classification",
        _CLASS_TEXT,
        (
            ("total", _income_total),
            ("fiscal_subtotal", _fiscal_subtotal),
            ("general_budget_transfer", _all("上级", "一般公共")),
            ("general_budget", _source("一般公共")),
            ("fund_budget_transfer", _all("上级", "基金")),
            ("fund_budget", _source("基金")),
            ("state_capital_transfer", _all("上级", "国有资本")),
            ("state_capital_budget", _source("国有资本")),
            ("special_account", lambda own, ctx: ("专户" in own or (own in _SUB and "专户" in ctx))
             and not _carry(own, ctx)),
            ("unit_funds", lambda own, ctx: (own == "单位资金" or (own in _SUB and "单位资金" in ctx))
             and not _carry(own, ctx)),  # 上年结转结余 / 单位资金 is a carry-over, not this year's
            ("nonfiscal_carryover", _any("非财政")),
            ("fiscal_carryover", _any("结转")),
        ),
    ),
    "expenditure_summary": Layout("classification", _CLASS_TEXT, _BASIC_PROJECT),
    "general_budget_expenditure": Layout("classification", _CLASS_TEXT, _BASIC_PROJECT),
    "fiscal_summary": Layout(
        "two_sided",
        (("item", lambda own, ctx: not _amount_label(own)),),
        _SOURCES,
    ),
    "general_basic_expenditure": Layout(
        "classification",
        _CLASS_TEXT,
        (("total", _total), ("personnel", _any("人员")), ("public", _any("公用"))),
    ),
    "general_project_expenditure": Layout(
        "classification",
        _CLASS_TEXT,
        (
            ("total", _total),
            ("wages", _any("工资福利")),
            ("goods_services", _any("商品和服务", "商品服务")),
            ("household_transfers", _any("对个人和家庭", "个人和家庭")),
            ("debt_interest", _any("债务利息")),
            ("capital_infrastructure", _all("资本性支出", "基本建设")),
            ("capital", _any("资本性支出")),
            ("enterprise_subsidy_infrastructure", _all("对企业补助", "基本建设")),
            ("enterprise_subsidy", _any("对企业补助")),
            ("social_security_fund_subsidy", _any("社会保障基金")),
            ("other", _any("其他支出")),
        ),
    ),
    "fund_budget_expenditure": Layout("classification", _CLASS_TEXT, _FUND),
    "state_capital_expenditure": Layout("classification", _CLASS_TEXT, _FUND),
    "three_public_expenses": Layout(
        "items",
        (("item", lambda own, ctx: not _amount_label(own) and "三公" in own or own in ("项目", "内容")),),
        _SOURCES,
    ),
    "prior_year_carryover": Layout(
        "items",
        (("item", lambda own, ctx: own in ("项目", "科目", "项目名称")),),
        (
            ("total", lambda own, ctx: own in ("合计", "总计")),
            ("fiscal_total", lambda own, ctx: "小计" in own and not _nonfiscal(own, ctx)),
            ("fiscal_basic_personnel", lambda own, ctx: "人员" in own and not _nonfiscal(own, ctx)),
            ("fiscal_basic_public", lambda own, ctx: "公用" in own and not _nonfiscal(own, ctx)),
            ("fiscal_project", lambda own, ctx: "项目" in own and not _nonfiscal(own, ctx)),
            ("nonfiscal_total", _any("小计")),
            ("nonfiscal_basic_personnel", _any("人员")),
            ("nonfiscal_basic_public", _any("公用")),
            ("nonfiscal_project", _any("项目")),
        ),
    ),
}


_FINAL_FUND = (
    ("opening_balance", _any("年初")),
    ("income", lambda own, ctx: "收入" in own and "合计" not in own),
    ("total", lambda own, ctx: own in ("合计", "小计", "支出小计", "本年支出小计") or "支出合计" in own
     or (own in _SUB and "本年支出" in ctx)),
    ("basic", _part("基本")),
    ("project", _part("项目")),
    ("closing_balance", _any("年末")),
)
LAYOUTS.update({
    "final_income_expenditure_summary": Layout(
        "two_sided", (("item", lambda own, ctx: not _amount_label(own) and "决算" not in own and "行次" not in own),),
        (("amount", lambda own, ctx: _amount_label(own) or "决算" in own),)),
    "final_income": Layout("classification", _CLASS_TEXT, (
        ("total", lambda own, ctx: _total(own, ctx) or "收入合计" in own),
        ("fiscal", _any("财政拨款")),
        ("superior_subsidy", _any("上级补助")),
        ("business", lambda own, ctx: own == "事业收入" or (own.startswith("事业收入") and "经营" not in own)),
        ("operating", _any("经营收入")),
        ("affiliated_remittance", _any("附属单位上缴", "附属单位缴款")),
        ("other", _any("其他收入")),
    )),
    "final_expenditure": Layout("classification", _CLASS_TEXT, (
        ("total", lambda own, ctx: _total(own, ctx) or "支出合计" in own),
        ("basic", _part("基本")),
        ("project", _part("项目")),
        ("remittance_to_superior", _any("上缴上级")),
        ("operating", _any("经营支出")),
        ("affiliated_subsidy", _any("对附属单位补助")),
    )),
    "final_fiscal_summary": Layout(
        "two_sided", (("item", lambda own, ctx: not _amount_label(own) and "决算" not in own and "行次" not in own),),
        (("total", lambda own, ctx: _total(own, ctx) or own == "决算数"),
         ("general_budget", _any("一般公共")), ("fund_budget", _any("基金")),
         ("state_capital_budget", _any("国有资本")))),
    "final_general_budget_expenditure": Layout("classification", _CLASS_TEXT, _BASIC_PROJECT),
    "final_general_basic_expenditure": Layout("classification", _CLASS_TEXT, (
        ("total", lambda own, ctx: _total(own, ctx) or own == "决算数"),
        ("personnel", _any("人员")), ("public", _any("公用")))),
    "final_three_public_expenses": Layout("items", (("item", lambda own, ctx: own in ("项目", "内容")),), (
        ("budget", lambda own, ctx: "预算数" in own + ctx), ("final", lambda own, ctx: "决算数" in own + ctx))),
    "final_fund_budget": Layout("classification", _CLASS_TEXT, _FINAL_FUND),
    "final_state_capital": Layout("classification", _CLASS_TEXT, _FINAL_FUND),
})


EXTRA = Layout(
    "extra",
    _CLASS_TEXT + (("item", lambda own, ctx: own in ("项目", "科目", "内容", "项目名称") or own.endswith("内容")),),
    (),
)


def layout(resource: str) -> Layout:
    return LAYOUTS.get(resource, EXTRA)


def _amount_label(own: str) -> bool:
    if "科目" in own:  # a list of subjects (部门预算支出经济科目): labels, whatever else its header says
        return False
    return any(w in own for w in ("预算数", "金额", "合计", "总计", "预算", "一般公共", "基金", "国有资本", "小计"))


_LABEL_YEAR = re.compile(r"((?:19|20)\d\d)年")


def match_columns(resource: str, labels: list[tuple[str, str]]) -> list[str | None]:
    """Map each leaf header (own label, parent labels) left to right onto a field name.

    A value field is used once; text fields may repeat (类/款/项 are three code columns).
    """
    layout_ = layout(resource)
    used: set[str] = set()
    out: list[str | None] = []
    values = 0
    latest = max((int(y) for own, ctx in labels for y in _LABEL_YEAR.findall(norm(own + ctx))), default=None)
    for own, ctx in labels:
        own, ctx = norm(own), norm(ctx)
        chosen = None
        if layout_.kind != "extra" and any(int(y) < latest for y in _LABEL_YEAR.findall(own + ctx)):
            out.append(None)  # an earlier year's column (2025年预算数 beside 2026年): kept as an x_ field
            continue
        for name, pred in layout_.text_columns:
            if pred(own, ctx):
                chosen = name
                if layout_.kind == "two_sided" and name == "item":
                    used.clear()  # the other side starts: its value fields are free again
                break
        if chosen is None and layout_.kind == "extra" and (own or ctx):
            values += 1
            chosen = f"value_{values}"
        if chosen is None:
            for name, pred in layout_.value_columns:
                if name not in used and pred(own, ctx):
                    chosen = name
                    used.add(name)
                    break
        out.append(chosen)
    return _one_subject_column(resource, labels, out)


_ECONOMIC_KEYED = ("general_basic_expenditure", "final_general_basic_expenditure")


def classification_kind(label: str) -> str | None:
    """Which classification a header names: function, economic or government_economic (else None)."""
    text = norm(label)
    if "经济" in text:
        return "government_economic" if "政府" in text else "economic"
    return "function" if "功能" in text else None


def _one_subject_column(resource: str, labels: list[tuple[str, str]], fields: list[str | None]) -> list[str | None]:
    """Where several classifications are printed side by side (Beijing: 支出功能分类科目 | 政府支出经济
    分类科目 | 部门支出经济分类科目, each cell `30101-基本工资`; Xi'an: 部门经济科目编码/名称 | 政府经济
    科目编码/名称), the resource's own classification gives `code` and `name`; the others are left
    unmapped (kept as `x_` text fields)."""
    kinds = {k: classification_kind(labels[k][0]) for k, f in enumerate(fields) if f in ("code", "name")}
    present = {kind for kind in kinds.values() if kind}
    wanted = "economic" if resource in _ECONOMIC_KEYED else "function"
    if len(present) < 2 or wanted not in present:
        return fields
    return [None if k in kinds and kinds[k] not in (wanted, None) else f for k, f in enumerate(fields)]


TOTAL_LABEL = re.compile(r"^(合\s*计|总\s*计|收入总计|支出总计|收入合计|支出合计|本年收入合计|本年支出合计)$")


def x_name(label: str, taken: dict[str, str]) -> str:
    """`x_<ascii-slug>` for a printed column the contract lacks; the same label gets the same name.

    `taken` maps printed labels to the names already given in this table (updated here).
    """
    from pypinyin import lazy_pinyin

    if label in taken:
        return taken[label]
    slug = re.sub(r"[^a-z0-9]+", "_", "_".join(lazy_pinyin(norm(label))).lower()).strip("_")[:40].strip("_")
    name, n = f"x_{slug or 'column'}", 1
    while name in taken.values():
        n += 1
        name = f"x_{slug or 'column'}_{n}"
    taken[label] = name
    return name


# common tables the contract has no resource for, by key words of their title (first match wins)
COMMON_EXTRAS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("一般公共预算", "经济分类"), "general_budget_by_economic_class"),
    (("一般公共预算", "基本支出", "功能分类"), "general_basic_by_function"),
    (("政府采购",), "procurement"),
    (("政府购买服务",), "purchased_services"),
    (("机关运行经费",), "operating_costs"),
    (("国有资产",), "state_assets"),
    (("绩效",), "performance"),
    (("专项业务经费",), "special_project_funds"),
    (("上年结转", "支出"), "carryover_expenditure"),
    (("政府性基金", "收支"), "fund_income_expenditure"),
    (("财政拨款", "基本支出"), "fiscal_basic_expenditure"),
    (("财政拨款", "支出"), "fiscal_expenditure"),
    (("基本支出",), "basic_expenditure"),
    (("项目支出",), "project_expenditure"),
)


def extra_name(title: str) -> str:
    """extra_<ascii-slug> for a table the contract has no resource for: a short English name from
    `COMMON_EXTRAS`, else the pinyin of the title."""
    text = _YEAR.sub("", _TITLE_PREFIX.sub("", norm(title)))
    text = re.sub(r"[-—]?不含上年结转", "", text)  # Xi'an's qualifier: says what the table leaves out
    for words, name in COMMON_EXTRAS:
        if all(w in text for w in words) and title_resource(title) is None:
            return "extra_" + name
    from pypinyin import lazy_pinyin

    slug = re.sub(r"[^a-z0-9]+", "_", "_".join(lazy_pinyin(text)).lower()).strip("_")
    return "extra_" + (slug[:60].strip("_") or "table")
