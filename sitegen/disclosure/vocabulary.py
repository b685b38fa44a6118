"""The Chinese budget vocabulary the readers look for, one named term per line.

Printed words only: what a line, a cell or a label looks like in a disclosure. Which
contract field a header word means lives in `template.py`; layout distances in `settings.py`.
"""

from __future__ import annotations

import re

# the number printed above or before a table title: 表3, 表三, 公开03表, 部门公开表5, 预算01表, 附表2
TABLE_NUMBER = re.compile(r"^\s*(部门公开|单位公开|公开|预算|附)?\s*(表\s*([0-9]+|[一二三四五六七八九十]+)|[0-9]{1,2}\s*表)\s*$")
# a part heading of the document: 第一部分 …, 第三部分 …
PART_HEADING = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
# the heading of a contents page
CONTENTS = re.compile(r"^(目录|目次)$")
# the money unit printed over a table: 单位：万元
MONEY_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|千元|亿元)")
# lines above a table's header that are no header: unit, 编制部门, the table number
TABLE_META = re.compile(
    r"(编制(部门|单位)|^\s*(金额)?单位\s*[:：]|^\s*(公开)?表\s*[0-9一二三四五六七八九十]+\s*$|^\s*公开\d+表\s*$"
    r"|(部门|单位)名称\s*[:：]|^\s*部门\s*[:：])"
)
# 部门名称 / 单位名称 without a colon: a name line above the header, or a column label inside it
# (Xi'an's 三公 table prints 单位名称 on the line of a wrapped parent cell's second line)
NAME_LABEL = re.compile(r"部门名称|单位名称")
# a note under a table: 注：…, 备注：…, （注：…）
NOTE = re.compile(r"^\s*[（(]?\s*(备注|注)?\s*[:：]")
# a sentence (a full stop, or an empty table's 为空表 statement): a note, never a header label
SENTENCE = re.compile(r"。|为空表")
# a line printed inside an empty table saying so: 此表为空, 本表为空表, 本表无数据
EMPTY_MARK = re.compile(r"^(此|本)表(为空表?|无数据)[。.]?$")
# a page number line: 12, - 12 -, 第3页, 第3页/共20页
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/，,]?\s*共\s*\d+\s*页)?[-—–\s]*$")
# the label of a column-number row (栏次 1 2 3) or of a line-number column (行次)
LINE_NUMBER_LABEL = re.compile(r"(栏\s*次|行\s*次|栏\s*号)")
# one token of a column-number row: ※, *, **, 1, 2, A, B
LINE_NUMBER_TOKEN = re.compile(r"^(※|\*+|\d{1,2}|[A-Z])$")
# a classification code printed in brackets before its name: [201]一般公共服务支出
BRACKETED_CODE = re.compile(r"^\s*[\[【［〔]\s*(\d{3,7})\s*[\]】］〕]\s*(.*)$")
# a classification code whose parts are joined by a dot or a dash: 208.05.01, 208-05-01
SEPARATED_CODE = re.compile(r"^\d{3}(?:\s*[.\-－—–·]\s*\d{2}){1,2}$")
# two-character header labels often printed with their characters spaced out: 项 目, 金 额
SPACED_LABELS = frozenset({"项目", "金额", "合计", "总计", "小计", "科目", "名称", "预算", "收入", "支出"})
# a code glued to its name: `201 一般…`, `2010801-行政运行`; never `367.54` → `367` + `.54`
GLUED_CODE = re.compile(r"^(\d{2,7})\s*(?:[-－—]\s*)?([^\d.,，\s%\-－—].*)$")
# a 收支 table's expenditure label starting with its 类 code: `201 一般公共服务支出`; never `170,800`
SIDE_CODE = re.compile(r"^(\d{3})\s*([^\d.,，\s%].*)$")
# a row label numbered as printed: 一、…, （一）…, 1.…, 22、…
ENUMERATED_LABEL = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.．](?!\d))\S")
