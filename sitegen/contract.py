"""The data contract's resources: the one place that lists them and their columns.

The writer, the validator, the site's tables and the data dictionary all read this; it
imports nothing of sitegen, so every stage (disclosure, package, audit, site) can import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROFILE_VERSION = "1.0.0"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # frictionless type: string, integer, number
    title: str  # Chinese header as published
    title_en: str
    money: bool = False
    column_type: str | None = None  # Fiscal Data Package columnType

    def descriptor(self, unit: str | None = "万元") -> dict:
        out: dict = {"name": self.name, "type": self.type, "title": self.title}
        if self.money and unit is None:  # narrative statements: the unit their text names
            out["description"] = f"{self.title_en}; amount as stated in the text (万元 unless it says 元)"
            out["columnType"] = "value"
        elif self.money:
            out["description"] = f"{self.title_en}; amount in {unit} as printed"
            out["columnType"] = "value"
        else:
            out["description"] = self.title_en
        if self.column_type:
            out["columnType"] = self.column_type
        return out


@dataclass(frozen=True)
class Resource:
    name: str
    table: int | None  # number in the national 11-table template
    title: str  # default Chinese title
    title_en: str
    fields: tuple[Field, ...]
    classification: str | None = None  # "functional" or "economic"
    per_row_page: bool = True  # ends with source_page
    kind: str = "budget"  # the package kind whose template prints it
    extra: dict = field(default_factory=dict)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def value_fields(self) -> list[Field]:
        return [f for f in self.fields if f.money]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def money(name: str, title: str, title_en: str) -> Field:
    return Field(name, "number", title, title_en, money=True)


def text(name: str, title: str, title_en: str, column_type: str | None = None) -> Field:
    return Field(name, "string", title, title_en, column_type=column_type)


SOURCE_PAGE = Field("source_page", "integer", "来源页码", "1-based page of the source PDF the row is printed on")


def classification_fields(kind: str) -> tuple[Field, ...]:
    prefix = f"{kind}-classification:generic"
    return (
        text("code", "科目编码", "full classification code, digits only; empty on total rows", f"{prefix}:code"),
        text("class_code", "类", "class (类) code"),
        text("section_code", "款", "section (款) code"),
        text("item_code", "项", "item (项) code"),
        Field("level", "integer", "层级", "0 total, 1 类, 2 款, 3 项"),
        text("name", "科目名称", "subject name as published", f"{prefix}:label"),
    )


FUNC = classification_fields("functional")
ECON = classification_fields("economic")

SIDE_FIELDS = (
    text("side", "收支", "income or expenditure"),
    Field("line", "integer", "行次", "1-based order within side"),
    text("code", "功能分类科目编码", "function class code on expenditure lines", "functional-classification:generic:code"),
    text("item", "项目", "label as published"),
)

PARTS_BASIC_PROJECT = (
    money("total", "合计", "total"),
    money("basic", "基本支出", "basic expenditure"),
    money("project", "项目支出", "project expenditure"),
)

FINAL_FUND_PARTS = (
    money("opening_balance", "年初结转和结余", "balance brought forward"),
    money("income", "本年收入", "income of the year"),
    money("total", "本年支出小计", "expenditure of the year"),
    money("basic", "基本支出", "basic expenditure"),
    money("project", "项目支出", "project expenditure"),
    money("closing_balance", "年末结转和结余", "balance carried forward"),
)

FUND_PARTS = (
    money("total", "合计", "total"),
    money("basic_personnel", "人员经费", "basic expenditure: personnel"),
    money("basic_public", "公用经费", "basic expenditure: public (operating)"),
    money("project", "项目支出", "project expenditure"),
)

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "income_expenditure_summary", 1, "部门收支总体情况表", "Income and expenditure summary",
        SIDE_FIELDS + (money("amount", "预算数", "budgeted amount"),),
    ),
    Resource(
        "income_summary", 2, "部门收入总体情况表", "Income summary",
        FUNC + (
            money("total", "总计", "total"),
            money("fiscal_subtotal", "财政拨款(补助)小计", "fiscal appropriation subtotal"),
            money("general_budget", "一般公共预算", "general public budget"),
            money("general_budget_transfer", "上级一般公共预算安排的转移支付", "transfer from higher-level general budget"),
            money("fund_budget", "政府性基金预算", "government fund budget"),
            money("fund_budget_transfer", "上级政府性基金安排的转移支付", "transfer from higher-level fund budget"),
            money("state_capital_budget", "国有资本经营预算", "state capital operation budget"),
            money("state_capital_transfer", "上级国有资本经营预算安排的转移支付", "transfer from higher-level state capital budget"),
            money("special_account", "财政专户", "fiscal special account"),
            money("unit_funds", "单位资金", "unit's own funds"),
            money("fiscal_carryover", "财政拨款结转", "fiscal carry-over"),
            money("nonfiscal_carryover", "非财政拨款结转结余", "non-fiscal carry-over and balance"),
        ),
        classification="functional",
    ),
    Resource(
        "expenditure_summary", 3, "部门支出总体情况表", "Expenditure summary",
        FUNC + PARTS_BASIC_PROJECT, classification="functional",
    ),
    Resource(
        "fiscal_summary", 4, "财政拨款收支预算总体情况表", "Fiscal appropriation income and expenditure",
        SIDE_FIELDS + (
            money("total", "合计", "total"),
            money("general_budget", "一般公共预算", "general public budget"),
            money("fund_budget", "政府性基金预算", "government fund budget"),
            money("state_capital_budget", "国有资本经营预算", "state capital operation budget"),
        ),
    ),
    Resource(
        "general_budget_expenditure", 5, "一般公共预算支出情况表", "General public budget expenditure",
        FUNC + PARTS_BASIC_PROJECT, classification="functional",
    ),
    Resource(
        "general_basic_expenditure", 6, "一般公共预算基本支出情况表", "General public budget basic expenditure",
        ECON + (
            money("total", "合计", "total"),
            money("personnel", "人员经费", "personnel"),
            money("public", "公用经费", "public (operating)"),
        ),
        classification="economic",
    ),
    Resource(
        "general_project_expenditure", 7, "一般公共预算项目支出情况表", "General public budget project expenditure",
        FUNC + (
            text("project_name", "项目名称", "project name"),
            money("total", "合计", "total"),
            money("wages", "工资福利支出", "wages and benefits"),
            money("goods_services", "商品和服务支出", "goods and services"),
            money("household_transfers", "对个人和家庭的补助", "transfers to individuals and households"),
            money("debt_interest", "债务利息及费用支出", "debt interest and fees"),
            money("capital_infrastructure", "资本性支出(基本建设)", "capital expenditure (infrastructure)"),
            money("capital", "资本性支出", "capital expenditure"),
            money("enterprise_subsidy_infrastructure", "对企业补助(基本建设)", "enterprise subsidies (infrastructure)"),
            money("enterprise_subsidy", "对企业补助", "enterprise subsidies"),
            money("social_security_fund_subsidy", "对社会保障基金补助", "subsidies to social security funds"),
            money("other", "其他支出", "other"),
        ),
        classification="functional",
    ),
    Resource(
        "fund_budget_expenditure", 8, "政府性基金预算支出情况表", "Government fund budget expenditure",
        FUNC + FUND_PARTS, classification="functional",
    ),
    Resource(
        "state_capital_expenditure", 9, "国有资本经营预算支出情况表", "State capital operation budget expenditure",
        FUNC + FUND_PARTS, classification="functional",
    ),
    Resource(
        "three_public_expenses", 10, "财政拨款“三公”经费支出情况表", "'Three public' expenses",
        (
            text("item", "“三公”经费支出内容", "label as published"),
            money("total", "合计", "total"),
            money("general_budget", "一般公共预算", "general public budget"),
            money("fund_budget", "政府性基金", "government fund budget"),
            money("state_capital_budget", "国有资本经营预算", "state capital operation budget"),
        ),
    ),
    Resource(
        "prior_year_carryover", 11, "上年结转结余情况明细表", "Prior-year carry-over and balance",
        (
            text("item", "项目", "label as published"),
            money("total", "合计", "total"),
            money("fiscal_total", "财政拨款小计", "fiscal: subtotal"),
            money("fiscal_basic_personnel", "财政拨款基本支出人员经费", "fiscal: basic personnel"),
            money("fiscal_basic_public", "财政拨款基本支出公用经费", "fiscal: basic public"),
            money("fiscal_project", "财政拨款项目支出", "fiscal: project"),
            money("nonfiscal_total", "非财政拨款小计", "non-fiscal: subtotal"),
            money("nonfiscal_basic_personnel", "非财政拨款基本支出人员经费", "non-fiscal: basic personnel"),
            money("nonfiscal_basic_public", "非财政拨款基本支出公用经费", "non-fiscal: basic public"),
            money("nonfiscal_project", "非财政拨款项目支出", "non-fiscal: project"),
        ),
    ),
    Resource(
        "performance_targets", None, "绩效目标表", "Performance targets",
        (
            text("scope", "范围", "unit or project"),
            text("project_name", "项目名称", "project name (project tables)"),
            text("level1", "一级指标", "level-1 indicator"),
            text("level2", "二级指标", "level-2 indicator"),
            text("level3", "三级指标", "level-3 indicator"),
            text("target", "指标值", "target as published"),
            text("operator", "运算符", "comparison operator"),
            Field("target_value", "number", "指标数值", "numeric target"),
            text("target_unit", "计量单位", "unit of the target"),
            text("basis", "指标(值)设定依据", "basis of the target"),
            Field("weight", "number", "分值权重", "weight"),
            text("prior_value", "上年完成值", "prior-year value"),
            text("scoring_rule", "指标赋分规则", "scoring rule"),
            text("evidence", "佐证资料", "evidence"),
        ),
    ),
    Resource(
        "narrative_changes", None, "预算情况说明（增减变化）", "Year-on-year statements of part three",
        (
            text("section", "说明事项", "subject of the statement"),
            text("code", "功能分类科目编码", "function code when named", "functional-classification:generic:code"),
            money("amount", "本年预算数", "this year's amount"),
            money("change", "比上年增减", "signed change on prior year"),
            Field("change_pct", "number", "增减幅度(%)", "signed change in percent"),
            text("reason", "主要原因", "reason as printed"),
        ),
    ),
)

FINAL_RESOURCES: tuple[Resource, ...] = (
    Resource(
        "final_income_expenditure_summary", 1, "收入支出决算总表", "Final accounts: income and expenditure",
        SIDE_FIELDS + (money("amount", "决算数", "final amount"),), kind="final",
    ),
    Resource(
        "final_income", 2, "收入决算表", "Final accounts: income",
        FUNC + (
            money("total", "本年收入合计", "total income of the year"),
            money("fiscal", "财政拨款收入", "fiscal appropriation"),
            money("superior_subsidy", "上级补助收入", "subsidy from the superior"),
            money("business", "事业收入", "business income"),
            money("operating", "经营收入", "operating income"),
            money("affiliated_remittance", "附属单位上缴收入", "remittances from affiliated units"),
            money("other", "其他收入", "other income"),
        ),
        classification="functional", kind="final",
    ),
    Resource(
        "final_expenditure", 3, "支出决算表", "Final accounts: expenditure",
        FUNC + (
            money("total", "本年支出合计", "total expenditure of the year"),
            money("basic", "基本支出", "basic expenditure"),
            money("project", "项目支出", "project expenditure"),
            money("remittance_to_superior", "上缴上级支出", "remittance to the superior"),
            money("operating", "经营支出", "operating expenditure"),
            money("affiliated_subsidy", "对附属单位补助支出", "subsidies to affiliated units"),
        ),
        classification="functional", kind="final",
    ),
    Resource(
        "final_fiscal_summary", 4, "财政拨款收入支出决算总表", "Final accounts: fiscal appropriation",
        SIDE_FIELDS + (
            money("total", "合计", "total"),
            money("general_budget", "一般公共预算财政拨款", "general public budget"),
            money("fund_budget", "政府性基金预算财政拨款", "government fund budget"),
            money("state_capital_budget", "国有资本经营预算财政拨款", "state capital operation budget"),
        ),
        kind="final",
    ),
    Resource(
        "final_general_budget_expenditure", 5, "一般公共预算财政拨款支出决算表",
        "Final accounts: general public budget expenditure",
        FUNC + PARTS_BASIC_PROJECT, classification="functional", kind="final",
    ),
    Resource(
        "final_general_basic_expenditure", 6, "一般公共预算财政拨款基本支出决算表",
        "Final accounts: general public budget basic expenditure",
        ECON + (
            money("total", "决算数", "final amount"),
            money("personnel", "人员经费", "personnel"),
            money("public", "公用经费", "public (operating)"),
        ),
        classification="economic", kind="final",
    ),
    Resource(
        "final_three_public_expenses", 7, "财政拨款“三公”经费支出决算表", "Final accounts: 'three public' expenses",
        (
            text("item", "项目", "label as published"),
            money("budget", "预算数", "budgeted amount"),
            money("final", "决算数", "final amount"),
        ),
        kind="final",
    ),
    Resource(
        "final_fund_budget", 8, "政府性基金预算财政拨款收入支出决算表", "Final accounts: government fund budget",
        FUNC + FINAL_FUND_PARTS, classification="functional", kind="final",
    ),
    Resource(
        "final_state_capital", 9, "国有资本经营预算财政拨款收入支出决算表", "Final accounts: state capital budget",
        FUNC + FINAL_FUND_PARTS, classification="functional", kind="final",
    ),
)

BY_NAME: dict[str, Resource] = {r.name: r for r in (*RESOURCES, *FINAL_RESOURCES)}
TABLE_RESOURCES: tuple[Resource, ...] = tuple(r for r in RESOURCES if r.table is not None)
RECORD_RESOURCES: tuple[Resource, ...] = (BY_NAME["performance_targets"], BY_NAME["narrative_changes"])


# a budget resource and the final-accounts resource of the same meaning (budget against outturn)
FINAL_OF: dict[str, str] = {
    "income_expenditure_summary": "final_income_expenditure_summary",
    "income_summary": "final_income",
    "expenditure_summary": "final_expenditure",
    "fiscal_summary": "final_fiscal_summary",
    "general_budget_expenditure": "final_general_budget_expenditure",
    "general_basic_expenditure": "final_general_basic_expenditure",
    "three_public_expenses": "final_three_public_expenses",
    "fund_budget_expenditure": "final_fund_budget",
    "state_capital_expenditure": "final_state_capital",
}


def table_resources(kind: str) -> tuple[Resource, ...]:
    """The table resources a package of this kind (`budget` or `final`) always holds."""
    return FINAL_RESOURCES if kind == "final" else TABLE_RESOURCES



def resource(name: str) -> Resource:
    return BY_NAME[name]


def with_extra_fields(resource: Resource, x_fields: list[tuple[str, str]], text_fields=()) -> Resource:
    """A contract resource plus the printed columns it lacks (`x_<slug>`, printed header as title),
    after the contract fields (the writer puts `source_page` last); `text_fields` hold words."""
    if not x_fields:
        return resource
    extra = tuple(
        text(name, title, f"printed text column {title!r} the contract has no field for") if name in text_fields
        else Field(name, "number", title, f"printed column {title!r} the contract has no field for", money=True)
        for name, title in x_fields)
    return Resource(resource.name, resource.table, resource.title, resource.title_en, resource.fields + extra,
                    resource.classification, resource.per_row_page, resource.kind)


def extra_resource(name: str, title: str, columns: list[tuple[str, str]], classification: bool) -> Resource:
    """A printed table the contract has no resource for: codes where it has them, then
    its columns as printed (`value_N` numbers, `text_N` text) with the printed headers as titles."""
    head = FUNC if classification else (text("item", "项目", "label as published"),)
    fields = tuple(
        Field(col, "number", label or col, f"column {col.split('_')[1]} as printed", money=True)
        if col.startswith("value_") else text(col, label or col, f"text column {col.split('_')[1]} as printed")
        for col, label in columns
    )
    return Resource(name, None, title, title, head + fields)


# total column = sum of its part columns, on every row (the audit checks them; the text
# front end uses them to place numbers whose columns were lost)
ROW_SUMS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "income_summary": [
        ("total", ("fiscal_subtotal", "special_account", "unit_funds", "fiscal_carryover", "nonfiscal_carryover")),
        ("fiscal_subtotal", ("general_budget", "general_budget_transfer", "fund_budget", "fund_budget_transfer",
                             "state_capital_budget", "state_capital_transfer")),
    ],
    "expenditure_summary": [("total", ("basic", "project"))],
    "general_budget_expenditure": [("total", ("basic", "project"))],
    "general_basic_expenditure": [("total", ("personnel", "public"))],
    "general_project_expenditure": [
        ("total", ("wages", "goods_services", "household_transfers", "debt_interest", "capital_infrastructure",
                   "capital", "enterprise_subsidy_infrastructure", "enterprise_subsidy",
                   "social_security_fund_subsidy", "other")),
    ],
    "fund_budget_expenditure": [("total", ("basic_personnel", "basic_public", "project"))],
    "state_capital_expenditure": [("total", ("basic_personnel", "basic_public", "project"))],
    "three_public_expenses": [("total", ("general_budget", "fund_budget", "state_capital_budget"))],
    "prior_year_carryover": [
        ("total", ("fiscal_total", "nonfiscal_total")),
        ("fiscal_total", ("fiscal_basic_personnel", "fiscal_basic_public", "fiscal_project")),
        ("nonfiscal_total", ("nonfiscal_basic_personnel", "nonfiscal_basic_public", "nonfiscal_project")),
    ],
}
ROW_SUMS.update({
    "final_expenditure": [("total", ("basic", "project", "remittance_to_superior", "operating", "affiliated_subsidy"))],
    "final_general_budget_expenditure": [("total", ("basic", "project"))],
    "final_general_basic_expenditure": [("total", ("personnel", "public"))],
    "final_fund_budget": [("total", ("basic", "project"))],
    "final_state_capital": [("total", ("basic", "project"))],
})
