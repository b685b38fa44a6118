"""Unit, year and kind from the document's own words.

Expected values read by eye from the rendered title pages (page 1 of each PDF at 40 dpi, one
contact sheet), not from the parser.
"""

from __future__ import annotations

import pytest

from sitegen.disclosure.identity import identify, is_name
from sitegen.extract import read_document
from sitegen.extract.document import Document, Page

EVERY_REAL_PDF = {
    # file: (unit, year, kind) as the title page prints them
    "govbudgetchecker-01": ("上海市普陀区人民政府万里街道办事处", 2024, "budget"),  # 上海市普陀区2024年区级部门预算 / 预算主管部门：…
    "govbudgetchecker-02": ("上海市普陀区人民政府办公室", 2025, "budget"),
    "govbudgetchecker-06": ("上海市普陀区财政局", 2024, "final"),  # 上海市普陀区财政局 / 2024 年度部门决算
    "open-budget-01": ("江苏省人民检察院", 2019, "budget"),  # 江苏省人民检察院 / 2019年度部门预算公开
    "open-budget-05": ("中共江苏省委办公厅", 2019, "budget"),  # tables only: 部门：中共江苏省委办公厅, 2019年政府采购预算表
    "renwu-01": ("长沙市信访局", 2026, "budget"),  # 长沙市信访局 / 2026 年部门预算公开
    "renwu-04": ("重庆市人民政府办公厅", 2026, "budget"),  # 重庆市人民政府办公厅 / 2026 年部门预算情况说明
    "renwu-06": ("广州市信访局", 2026, "budget"),  # 2026年 / 广州市信访局部门预算
    "renwu-07": ("深圳市信访局", 2026, "budget"),  # 2026 年深圳市信访局部门预算
    "renwu-08": ("杭州市气象局", 2026, "budget"),  # 杭州市气象局 / 2026 年度部门预算
    "renwu-13": ("中共西安市委宣传部", 2021, "budget"),  # 中共西安市委宣传部 2021 年部门综合预算 (filed as 2026)
    "renwu-14": ("佛山市轨道交通局", 2019, "final"),  # 2019 年佛山市轨道交通局部门决算
    "renwu-18": ("", None, "budget"),  # 预算01表 收支总表 …: tables only, neither unit nor year printed
    "renwu-20": ("上海市中医文献馆", 2026, "budget"),  # 上海市2026年市级单位预算 / 预算单位：上海市中医文献馆
    "renwu-22": ("国家信访局", 2026, "budget"),  # 国家信访局 2026 年度部门预算
}


@pytest.mark.parametrize("name", sorted(EVERY_REAL_PDF))
def test_unit_year_kind_of_every_real_pdf(real_parsed, name):
    d = real_parsed(name)
    assert (d.unit["name"], d.unit["year"], d.unit["kind"]) == EVERY_REAL_PDF[name]
    if name == "renwu-18":
        assert sum("metadata.toml" in str(w) for w in d.warnings) == 2


def test_the_scanned_narrative_is_refused_with_a_reason():
    """renwu-19 (北京市政务服务和数据管理局 2026, scanned): no text layer, so no words to read."""
    from conftest import real_pdf

    from sitegen.extract import ExtractError

    with pytest.raises(ExtractError, match="no text layer"):
        read_document(real_pdf("renwu-19"))


@pytest.mark.parametrize("text", ["2026 年度", ".", "预算01表 收支总表", "年度", "项目", "2024", "（一）", ""])
def test_candidates_that_are_not_names_are_rejected(text):
    assert not is_name(text)


def _doc(*pages: list[str]) -> Document:
    return Document(path="x.txt", sha256="0", media_type="text/plain",
                    pages=[Page(number=i + 1, lines=lines) for i, lines in enumerate(pages)])


@pytest.mark.parametrize("lines,expected", [
    (["重庆市气象局 年部门预算情况说明", "2026"], ("重庆市气象局", 2026, "budget")),
    (["2026 年度", "某某县财政局部门预算"], ("某某县财政局", 2026, "budget")),
    (["某某局", "年度部门决算", "2023"], ("某某局", 2023, "final")),
    (["上海市2026年市级单位预算", "预算单位：上海市某某馆"], ("上海市某某馆", 2026, "budget")),
])
def test_title_variants(lines, expected):
    assert identify(_doc(lines), []) == expected


def test_title_and_labelled_lines_disagree_title_wins_with_a_warning():
    warnings: list = []
    doc = _doc(["甲市审计局", "2026 年部门预算公开"], ["部门收支总体情况表", "编制单位：乙市审计局"])
    assert identify(doc, warnings)[0] == "甲市审计局"
    assert "乙市审计局" in str(warnings[0])


def test_title_year_disagrees_with_table_titles():
    warnings: list = []
    doc = _doc(["甲市审计局", "2026 年部门预算公开"], ["2024年部门收支总体情况表", "编制单位：甲市审计局"])
    assert identify(doc, warnings)[1] == 2026
    assert "2024" in str(warnings[0])


def test_metadata_names_a_tables_only_attachment(tmp_path):
    """renwu-18 prints neither unit nor year: metadata.toml supplies them, the package is named by them."""
    import json
    import shutil

    from click.testing import CliRunner
    from conftest import real_pdf

    from sitegen.cli import cli

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(real_pdf("renwu-18"), content / "baobiao.pdf")
    (content / "metadata.toml").write_text('[files."baobiao.pdf"]\nunit = "北京市审计局"\nyear = 2026\n',
                                           encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(tmp_path / "dp"),
                                      "--out", str(tmp_path / "site"), "--cache", ""])
    assert result.exit_code == 0, result.output
    dp = json.loads((tmp_path / "dp" / "bei-jing-shi-shen-ji-ju" / "2026-budget" / "datapackage.json").read_text(
        encoding="utf-8"))
    assert (dp["unit"]["name"], dp["unit"]["year"], dp["unit"]["kind"]) == ("北京市审计局", 2026, "budget")
