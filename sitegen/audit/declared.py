"""Every check the audit runs, declared once: name, severity, a Chinese message, a description.

Findings are built by name with keyword fields (`finding("row_sum", resource=…, …)`); the
message a citizen reads is the check's template filled with those fields. The quality page lists
`CHECKS` with their descriptions. `text` checks read the document's wording (第三部分), which the
published CSVs do not hold: the build runs them once and `audit.json` keeps what they found.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


@dataclass(frozen=True)
class Check:
    name: str
    severity: str  # "error": an identity of the template is broken; "warning": a naming/unit/wording slip
    title: str  # a short Chinese name
    message: str  # Chinese template over a Finding's fields (see `Finding.render`)
    description: str  # what the check compares, for the quality page
    text: bool = False  # reads the narrative's wording, not the tables


_DIFF = "相差 {diff} {unit}"
CHECKS: dict[str, Check] = {c.name: c for c in (
    Check("row_sum", "error", "行内合计",
          "{table}「{row}」行的{column}印为 {found} {unit}，但{parts}相加为 {expected} {unit}，" + _DIFF + "。",
          "每一行的合计列等于其各分项列之和（如 合计 = 基本支出 + 项目支出）。"),
    Check("hierarchy", "error", "科目层级",
          "{table}「{row}」行的{column}印为 {found} {unit}，但其下级科目相加为 {expected} {unit}，" + _DIFF + "。",
          "每个类等于其下各款之和，每个款等于其下各项之和，合计行等于各类之和。"),
    Check("balance", "error", "收支平衡",
          "{table}的支出总计印为 {found} {unit}，收入总计为 {expected} {unit}，收支不平衡，" + _DIFF + "。",
          "收支总表的收入总计等于支出总计。"),
    Check("side_sum", "error", "总计与分行",
          "{table}「{row}」印为 {found} {unit}，但{parts}相加为 {expected} {unit}，" + _DIFF + "。",
          "收支总表每一方的总计等于该方各行之和。"),
    Check("cross_table", "error", "表间一致",
          "{table}「{row}」的{column}印为 {found} {unit}，{parts}为 {expected} {unit}，两表不一致，" + _DIFF + "。",
          "不同表中的同一数字一致：表2 总计 = 表1 收入总计；表6 合计 = 表5 基本支出；表7 合计 = 表5 项目支出。"),
    Check("three_public", "error", "“三公”经费",
          "{table}「{row}」的{column}印为 {found} {unit}，但{parts}相加为 {expected} {unit}，" + _DIFF + "。",
          "“三公”经费合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费；公务用车 = 购置费 + 运行费。"),
    Check("narrative_total", "error", "说明与表",
          "情况说明中的「{row}」为 {found} {unit}，{parts}为 {expected} {unit}，" + _DIFF + "。",
          "第三部分情况说明中的总数（收支总预算、基本支出、项目支出、人员经费、公用经费、“三公”经费）与表一致。"),
    Check("narrative_item", "error", "说明与表",
          "情况说明中科目 {code}「{row}」为 {found} {unit}，{parts}为 {expected} {unit}，" + _DIFF + "。",
          "第三部分情况说明中各科目的预算数与表5 一致。"),
    Check("same_code_names", "warning", "科目名称",
          "{detail}", "同一科目编码在不同表中名称一致。"),
    Check("narrative_name", "warning", "科目名称",
          "情况说明中科目 {code} 名为「{found}」，表5 为「{expected}」。", "情况说明中的科目名称与表5 一致。"),
    Check("project_name", "warning", "项目名称",
          "绩效目标表的项目名称「{found}」与表7「{expected}」不一致。", "绩效目标表的项目名称与表7 一致。"),
    Check("narrative_reason", "warning", "说明的原因",
          "{row}预算 {expected}，说明的原因却称「{found}」。", "“三公”经费各项的原因说明与预算数不矛盾。"),
    Check("empty_note", "warning", "空表说明",
          "表下注明「{detail}」，但{table}中印有金额（{found}）。", "注明为空表的表格中没有金额。"),
    Check("narrative_unit", "warning", "金额单位",
          "{detail}", "说明中的金额单位（万元、元、元/人/月）与表一致。", text=True),
    Check("narrative_term", "warning", "预算用语",
          "说明中「{found}」应为「{expected}」。", "说明中的预算用语书写正确。", text=True),
    Check("narrative_title", "warning", "表名",
          "说明中称「{found}」，表的标题为「{expected}」。", "说明中提到的表名与表的标题一致。", text=True),
    Check("narrative_component", "warning", "经费构成",
          "说明中「{found}」，表6 为「{expected}」。", "说明中基本支出的构成名称与表6 一致。", text=True),
    Check("narrative_persons", "warning", "人数",
          "{detail}", "绩效目标中的人数与项目说明一致。", text=True),
    Check("narrative_staff", "warning", "人员变化",
          "{detail}", "说明中所称人员增减与第一部分的人数变化一致。", text=True),
    Check("narrative_transfer", "warning", "转移支付",
          "{detail}", "说明中列入上级转移支付的款项在表2 中也列在转移支付栏。", text=True),
)}
TEXT_CHECKS = frozenset(name for name, c in CHECKS.items() if c.text)
SEVERITY_ZH = {"error": "错误", "warning": "提示"}


@dataclass
class Finding:
    resource: str
    table: str  # "表3 部门支出总体情况表"
    row_code: str
    row_name: str
    column: str  # field name
    check: str
    severity: str
    expected: str
    found: str
    source_page: int | None = None
    message: str = ""  # plain Chinese, from the check's template
    suspect: dict | None = None  # the one printed cell that explains this and other failures
    column_title: str = ""  # the column's printed header
    detail: str = field(default="", repr=False)  # free text some templates show

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def finding(check: str, *, resource: str = "", table: str = "", row_code: str = "", row_name: str = "",
            column: str = "", expected: str = "", found: str = "", source_page: int | None = None,
            column_title: str = "", detail: str = "", unit: str = "", parts: str = "", diff: str = "") -> Finding:
    """A Finding of a declared check, its message rendered in Chinese."""
    spec = CHECKS[check]
    row = row_name or row_code or "合计"
    message = spec.message.format(
        table=table or "表", row=row, code=row_code, column=column_title or column, found=found or "空",
        expected=expected, diff=diff, unit=unit, parts=parts, detail=detail,
    )
    return Finding(resource, table, row_code, row_name, column, check, spec.severity, expected, found,
                   source_page, message, None, column_title, detail)
