"""Combined all-unit data from a real build: CSVs, SQLite served by datasette, Parquet."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import jinja2
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import make_content, truth_rows, truth_unit

from sitegen.cli import cli
from sitegen.site.combined import PANDAS_CALL, PANDAS_DTYPE, PREFIX

DOCS = {"yanqi.pdf": ("002", "B"), "xinjiang.pdf": ("003", "A")}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("combined")
    content = make_content(root, DOCS)
    (content / "metadata.toml").write_text(
        '[defaults]\nregion = "新疆维吾尔自治区"\n\n[files."yanqi.pdf"]\n'
        'region = "新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(root / "dp"),
                                      "--out", str(root / "site"), "--cache", str(root / "cache"), "-j", "2"])
    assert result.exit_code == 0, result.output
    return root / "site"


def _truth_208_basic() -> dict[str, str]:
    out = {}
    for doc, _ in DOCS.values():
        row = next(r for r in truth_rows(doc, "expenditure_summary") if r["code"] == "208")
        out[truth_unit(doc)["name"]] = row["basic"]
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str, deadline: float) -> object:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return json.loads(resp.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_datasette_serves_the_database(site):
    db = site / "data" / "combined" / "budget.sqlite"
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        sql = ("select unit_name, basic from expenditure_summary "
               "where year = 2024 and code = '208' order by unit_name")
        base = f"http://127.0.0.1:{port}/budget"
        rows = _get_json(f"{base}.json?_shape=array&sql={urllib.parse.quote(sql)}", time.monotonic() + 60)
        truth = _truth_208_basic()
        assert {r["unit_name"]: r["basic"] for r in rows} == {k: float(v) for k, v in truth.items()}
        # full-text search on names (trigram: Chinese needs no word breaks)
        found = _get_json(f"{base}/units.json?_shape=array&_search={urllib.parse.quote('焉耆县')}",
                          time.monotonic() + 10)
        assert [r["unit_name"] for r in found] == ["焉耆县社会保险中心"]
        regions = _get_json(f"{base}.json?_shape=array&sql={urllib.parse.quote('select distinct region from disclosures order by region')}",
                            time.monotonic() + 10)
        assert [r["region"] for r in regions] == ["新疆维吾尔自治区", "新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_database_has_indexes_and_all_tables(site):
    import sqlite_utils

    db = sqlite_utils.Database(site / "data" / "combined" / "budget.sqlite")
    names = set(db.table_names())
    assert {"units", "findings", "disclosures", "extra_tables", "expenditure_summary"} <= names
    indexed = {tuple(i.columns) for i in db.table("expenditure_summary").indexes}
    assert {("unit_id",), ("year",), ("code",)} <= indexed
    assert db.table("units").detect_fts() and db.table("expenditure_summary").detect_fts()
    # every finding of the packages' audit.json is a row, with who and when
    audits = sum(len(json.loads(p.read_text(encoding="utf-8"))["findings"])
                 for p in site.glob("*/*/data/audit.json"))
    assert db.table("findings").count == audits > 0
    assert db.execute("select count(*) from findings where unit_name = '' or year is null").fetchone()[0] == 0


def test_pandas_reads_every_combined_csv_with_codes_as_strings(site):
    folder = site / "data" / "combined"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert PANDAS_CALL in descriptor["description"]
    assert PANDAS_CALL in (site / "dictionary.html").read_text(encoding="utf-8").replace("&#34;", '"')
    seen_codes = set()
    for res in descriptor["resources"]:
        frame = pd.read_csv(folder / res["path"], dtype=PANDAS_DTYPE)
        assert list(frame.columns) == [f["name"] for f in res["schema"]["fields"]]
        if res["name"] != "units" and len(frame):
            assert list(frame.columns[:5]) == PREFIX
            assert frame["unit_name"].notna().all() and frame["year"].dtype.kind == "i"
        for column in ("code", "class_code", "section_code", "item_code"):
            if column in frame and frame[column].notna().any():
                values = frame[column].dropna()
                assert all(isinstance(v, str) for v in values)
                seen_codes.update(values)
    assert {"208", "01", "30101"} <= seen_codes  # leading zeros and long codes survive


def test_parquet_partitioned_by_year_matches_csv(site):
    folder = site / "data" / "combined" / "parquet" / "expenditure_summary"
    assert sorted(p.name for p in folder.iterdir()) == ["year=2024"]
    frame = pd.read_parquet(folder)
    row = frame[(frame["code"] == "208")].set_index("unit_name")["basic"].to_dict()
    assert row == {k: float(v) for k, v in _truth_208_basic().items()}


def test_bom_copy_for_excel_and_canonical_csv_without_bom(site):
    folder = site / "data" / "combined"
    canonical = (folder / "expenditure_summary.csv").read_bytes()
    excel = (folder / "excel" / "expenditure_summary.csv").read_bytes()
    assert not canonical.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + canonical


def test_rebuild_reads_only_changed_packages_and_matches_a_fresh_build(site, tmp_path, monkeypatch):
    from sitegen.site import render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    cache = tmp_path / "cache"
    render.render_site(data, tmp_path / "a", cache=cache)
    descriptor = next(data.glob("yan-qi*/2024-budget/datapackage.json"))
    dp = json.loads(descriptor.read_text(encoding="utf-8"))
    dp["unit"]["region"] = "新疆维吾尔自治区巴音郭楞蒙古自治州"
    descriptor.write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    read = []
    original = render._summary_row
    monkeypatch.setattr(render, "_summary_row", lambda pkg: read.append(pkg.unit_id) or original(pkg))
    render.render_site(data, tmp_path / "a", cache=cache)
    assert read == [descriptor.parent.parent.name]
    render.render_site(data, tmp_path / "fresh")
    for path in (tmp_path / "fresh" / "data" / "combined").glob("*.csv"):
        assert (tmp_path / "a" / "data" / "combined" / path.name).read_bytes() == path.read_bytes(), path.name
    assert "巴音郭楞蒙古自治州" in (tmp_path / "a" / "data" / "combined" / "disclosures.csv").read_text(encoding="utf-8")
    assert _tables(tmp_path / "a") == _tables(tmp_path / "fresh")  # the database was updated in place
    shutil.rmtree(descriptor.parent)  # a package goes away: so do its rows
    render.render_site(data, tmp_path / "a", cache=cache)
    render.render_site(data, tmp_path / "fresh2")
    assert _tables(tmp_path / "a") == _tables(tmp_path / "fresh2")
    assert all("焉耆县社会保险中心" not in str(rows) for rows in _tables(tmp_path / "a").values())


def _tables(site: Path) -> dict[str, list]:
    import sqlite3

    with sqlite3.connect(site / "data" / "combined" / "budget.sqlite") as conn:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type = 'table' "
                                            "and name not like '%fts%' and name not like '\\_%' escape '\\'")]
        return {n: sorted(map(repr, conn.execute(f"select * from [{n}]"))) for n in names}


def test_region_build_holds_only_that_region(site, tmp_path):
    from sitegen.site.render import render_site

    render_site(site.parent / "dp", tmp_path / "region", region="新疆维吾尔自治区巴音郭楞")
    units = (tmp_path / "region" / "data" / "combined" / "units.csv").read_text(encoding="utf-8")
    assert "焉耆县社会保险中心" in units and "新疆维吾尔自治区社会保险中心" not in units
    assert sorted(p.parent.name for p in (tmp_path / "region").glob("*/*/index.html")
                  if p.parent.parent.name != "browse") == ["2024-budget"]


def test_downloads_are_made_once_per_input(site, tmp_path, monkeypatch):
    """A template change re-renders every page but reuses each package's ZIP and XLSX."""
    from sitegen.site import render

    templates = tmp_path / "templates"
    shutil.copytree(render.default_templates(), templates)
    cache = tmp_path / "cache"
    render.render_site(site.parent / "dp", tmp_path / "out", templates=templates, cache=cache)
    made = []
    monkeypatch.setattr(render, "write_xlsx", lambda *a, **k: made.append(a))
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</main>", "</main><!-- new -->"), encoding="utf-8")
    report = render.render_site(site.parent / "dp", tmp_path / "out", templates=templates, cache=cache)
    assert len(report.rendered) == 2 and made == []
    for xlsx in (tmp_path / "out").glob("*/*/data/*.xlsx"):
        assert xlsx.stat().st_nlink >= 2 and xlsx.stat().st_size > 0
        assert "<!-- new -->" in (xlsx.parent.parent / "index.html").read_text(encoding="utf-8")


def test_listing_pages_follow_the_region_hierarchy(site):
    """新疆维吾尔自治区 lists its own unit and links down to 巴音郭楞蒙古自治州 → 焉耆回族自治县."""
    province = site / "browse" / "2024" / "xin-jiang-wei-wu-er-zi-zhi-qu-5283"
    top = (province / "index.html").read_text(encoding="utf-8")
    assert "新疆维吾尔自治区社会保险中心" in top and "焉耆县社会保险中心" not in top
    assert 'href="ba-yin-guo-leng-meng-gu-zi-zhi-zhou-9e5c/index.html"' in top
    county = next(province.glob("ba-yin*/yan-qi*/index.html")).read_text(encoding="utf-8")
    assert "焉耆县社会保险中心" in county and 'href="../../index.html">新疆维吾尔自治区</a>' in county
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="browse/2024/xin-jiang-wei-wu-er-zi-zhi-qu-5283/index.html">新疆维吾尔自治区</a> <small>2</small>' in home


def test_no_op_rebuild_reads_no_package(site, tmp_path, monkeypatch):
    """With nothing changed the build compares file stats only; a rewritten package is seen,
    and only it is read."""
    from sitegen.site import render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    cache = tmp_path / "cache"
    render.render_site(data, tmp_path / "a", cache=cache)
    loaded = []
    original = render._views
    monkeypatch.setattr(render, "_views", lambda *a: loaded.append(a) or original(*a))
    report = render.render_site(data, tmp_path / "a", cache=cache)
    assert loaded == [] and report.rendered == [] and len(report.reused) == 2
    descriptor = next(data.glob("yan-qi*/2024-budget/datapackage.json"))
    dp = json.loads(descriptor.read_text(encoding="utf-8"))
    dp["unit"]["name"] = "焉耆县社会保险中心（改名）"
    tmp = descriptor.with_suffix(".tmp")
    tmp.write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    tmp.replace(descriptor)  # as the writer replaces files: by rename
    read = []
    original_descriptor = render.PackageView.descriptor.fget
    monkeypatch.setattr(render.PackageView, "descriptor",
                        property(lambda view: read.append(view.unit_id) or original_descriptor(view)))
    report = render.render_site(data, tmp_path / "a", cache=cache)
    assert set(read) == {descriptor.parent.parent.name}  # the unchanged package is not read at all
    assert loaded and report.rendered == [f"{descriptor.parent.parent.name}/2024-budget"]
    assert "焉耆县社会保险中心（改名）" in (tmp_path / "a" / report.rendered[0] / "index.html").read_text(encoding="utf-8")


def test_one_edit_rewrites_only_its_partition(site, tmp_path):
    """Combined rows are cut by year and province; an edit rewrites its own partition only, and
    the whole-table CSVs stay the concatenation a fresh build makes."""
    from sitegen.site import render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    other = next(data.glob("xin-jiang*/2024-budget"))
    copy = data / "shanghai-copy" / "2024-budget"
    shutil.copytree(other, copy)
    dp = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    dp["unit"]["region"] = "上海市普陀区"
    (copy / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    cache = tmp_path / "cache"
    render.render_site(data, tmp_path / "a", cache=cache)
    combined = tmp_path / "a" / "data" / "combined"
    shanghai = combined / "expenditure_summary" / "2024" / "shang-hai-shi-d9c5.csv"
    xinjiang = combined / "expenditure_summary" / "2024" / "xin-jiang-wei-wu-er-zi-zhi-qu-5283.csv"
    assert "shanghai-copy" in shanghai.read_text(encoding="utf-8")
    assert "shanghai-copy" not in xinjiang.read_text(encoding="utf-8")
    assert (combined / "excel" / shanghai.relative_to(combined)).read_bytes() == b"\xef\xbb\xbf" + shanghai.read_bytes()
    inode = shanghai.stat().st_ino
    descriptor = next(data.glob("yan-qi*/2024-budget/datapackage.json"))
    dp = json.loads(descriptor.read_text(encoding="utf-8"))
    dp["unit"]["name"] = "焉耆县社会保险中心（改名）"
    descriptor.write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    render.render_site(data, tmp_path / "a", cache=cache)
    assert shanghai.stat().st_ino == inode  # untouched partition: the same file
    assert "焉耆县社会保险中心（改名）" in xinjiang.read_text(encoding="utf-8")
    state = json.loads((cache / "combined" / "partitions.json").read_text(encoding="utf-8"))
    assert sorted(state["partitions"]) == ["2024/shang-hai-shi-d9c5", "2024/xin-jiang-wei-wu-er-zi-zhi-qu-5283"]
    render.render_site(data, tmp_path / "fresh")
    for path in (tmp_path / "fresh" / "data" / "combined").rglob("*.csv"):
        assert (combined / path.relative_to(tmp_path / "fresh" / "data" / "combined")).read_bytes() == path.read_bytes()
    frame = pd.read_parquet(combined / "parquet" / "expenditure_summary")
    assert set(frame["unit_id"]) == {"shanghai-copy", descriptor.parent.parent.name, other.parent.name}


def test_a_disclosure_s_rows_are_found_by_unit_id_not_by_year_or_kind(site):
    """Deleting one disclosure's rows (an edit) looked them up through the year index: a scan of
    every row of that year, per table, per package — quadratic at national N."""
    import sqlite3

    from sitegen.site.database import IDENT

    db = sqlite3.connect(site / "data" / "combined" / "budget.sqlite")
    tables = [n for (n,) in db.execute("select name from sqlite_master where type = 'table'")
              if {"unit_id", "year", "kind"} <= {c[1] for c in db.execute(f"pragma table_info([{n}])")}]
    assert len(tables) > 10
    for name in tables:
        plan = db.execute(f"EXPLAIN QUERY PLAN DELETE FROM [{name}] WHERE {IDENT}", ["u", 2024, "budget"]).fetchall()
        assert f"idx_{name}_unit_id" in str(plan), (name, plan)


def test_one_edit_renders_only_what_shows_the_package(site, tmp_path, monkeypatch):
    """Another region's listing pages stay the same files (hard links of the last build's), the
    search index finds the edited texts, and everything equals what a fresh build makes."""
    from sitegen.site import render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    copy = data / "shanghai-copy" / "2024-budget"
    shutil.copytree(next(data.glob("xin-jiang*/2024-budget")), copy)
    dp = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    dp["unit"]["region"] = "上海市普陀区"
    (copy / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    cache, out = tmp_path / "cache", tmp_path / "a"
    render.render_site(data, out, cache=cache)
    xinjiang = sorted((out / "browse" / "2024" / "xin-jiang-wei-wu-er-zi-zhi-qu-5283").rglob("*.html"))
    shanghai = out / "browse" / "2024" / "shang-hai-shi-d9c5" / "pu-tuo-qu-8381" / "index.html"
    before = {p: p.stat().st_ino for p in [*xinjiang, shanghai]}
    targets = (copy / "performance_targets.csv").read_text(encoding="utf-8")
    (copy / "performance_targets.csv").write_text(targets.replace("参保", "智慧参保"), encoding="utf-8")
    dp["unit"]["name"] = "上海市普陀区社会保险中心"
    (copy / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    rendered = []
    original = jinja2.Template.render
    monkeypatch.setattr(jinja2.Template, "render", lambda self, *a, **k: rendered.append((self.name, k.get(
        "listing"))) or original(self, *a, **k))
    render.render_site(data, out, cache=cache)
    monkeypatch.undo()
    listed = [listing.path for name, listing in rendered if name == "listing.html"]
    assert listed == ["browse/2024/shang-hai-shi-d9c5/pu-tuo-qu-8381/index.html"]  # the one page that lists it
    assert xinjiang and all(p.stat().st_ino == before[p] for p in xinjiang)
    assert shanghai.stat().st_ino != before[shanghai]
    assert "上海市普陀区社会保险中心" in shanghai.read_text(encoding="utf-8")
    assert "版本 1.0.0+" in shanghai.read_text(encoding="utf-8")  # the page's own version
    texts = [t for c in (out / "search" / "text" / "docs").glob("*.json")
             for d in json.loads(c.read_text(encoding="utf-8")) if d[1].startswith("shanghai-copy/") for t, _ in d[5]]
    assert "参保" in targets and any("智慧参保" in t for t in texts)
    assert (out / "data" / "combined" / "budget.sqlite").samefile(cache / "budget.sqlite")  # linked, not copied
    _same_site_wide_files(out, tmp_path / "fresh", data)
    shutil.rmtree(copy.parent)  # a region's only package goes away: its pages go too
    render.render_site(data, out, cache=cache)
    assert not shanghai.exists() and not shanghai.parent.parent.exists()
    _same_site_wide_files(out, tmp_path / "fresh2", data)


def _same_site_wide_files(out: Path, fresh: Path, data: Path) -> None:
    """The listing pages, search index, comparison files and sitemap of an updated site are
    those a fresh build makes, file for file."""
    from sitegen.site import render

    render.render_site(data, fresh)
    for folder in ("browse", "search", "compare", "sitemaps", "catalog"):
        made = sorted(p.relative_to(fresh) for p in (fresh / folder).rglob("*") if p.is_file())
        assert made == sorted(p.relative_to(out) for p in (out / folder).rglob("*") if p.is_file()), folder
        for rel in made:
            if rel.name != "meta.json":  # its stamp names the cache state
                assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel


def test_a_new_database_is_indexed_once_at_the_end_and_a_killed_build_starts_over(tmp_path):
    """A new budget.sqlite takes its rows bare and gets its indexes and full-text index at
    finish() (6× faster than through them); a build killed before finish() leaves no schema
    row, so the next build starts the database over instead of using one without indexes."""
    import sqlite3

    from sitegen.site.combined import table_fields
    from sitegen.site.database import SiteDatabase

    fields = {"units": [{"name": "unit_id", "type": "string"}, {"name": "unit_name", "type": "string"}],
              "expenditure_summary": [{"name": "unit_id", "type": "string"}, {"name": "year", "type": "integer"},
                                      {"name": "kind", "type": "string"}, {"name": "name", "type": "string"}]}
    assert set(fields) <= set(table_fields())
    path, units = tmp_path / "budget.sqlite", tmp_path / "units.csv"
    units.write_text("unit_id,unit_name\nu1,焉耆县社会保险中心\n", encoding="utf-8")
    rows = {"expenditure_summary": "u1,2024,budget,社会保障和就业支出\n"}

    killed = SiteDatabase(path, fields)
    assert killed.fresh
    killed.add("k1", ("u1", "2024", "budget"), lambda: rows)
    killed.db.close()  # no finish(): the build was killed
    db = SiteDatabase(path, fields)
    assert db.fresh and db.db.execute("select count(*) from expenditure_summary").fetchone() == (0,)
    db.add("k1", ("u1", "2024", "budget"), lambda: rows)
    db.finish(units, hashlib.sha256(units.read_bytes()).hexdigest(), path)
    con = sqlite3.connect(path)
    assert "idx_expenditure_summary_unit_id" in {r[0] for r in con.execute("select name from sqlite_master")}
    match = "select name from expenditure_summary_fts where expenditure_summary_fts match ?"
    assert con.execute(match, ["社会保障"]).fetchall() == [("社会保障和就业支出",)]
    con.close()
    again = SiteDatabase(path, fields)  # a later build: indexed, rows kept up by the triggers
    assert not again.fresh
    again.add("k2", ("u1", "2024", "budget"), lambda: {"expenditure_summary": "u1,2024,budget,卫生健康支出\n"})
    again.finish(units, hashlib.sha256(units.read_bytes()).hexdigest(), path)
    con = sqlite3.connect(path)
    assert con.execute(match, ["卫生健康"]).fetchall() == [("卫生健康支出",)]
    assert con.execute(match, ["社会保障"]).fetchall() == []


def test_an_edit_keeps_every_table_file_whose_bytes_did_not_change(site, tmp_path):
    """An edited package's partition is rewritten, but only the tables whose rows changed get
    new files (and a new whole-table CSV): the others keep their inode, Excel copy and Parquet;
    so do units.csv and its Parquet file when no unit changed."""
    from sitegen.site import render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    cache = tmp_path / "cache"
    render.render_site(data, tmp_path / "a", cache=cache)
    combined = tmp_path / "a" / "data" / "combined"
    part = "2024/xin-jiang-wei-wu-er-zi-zhi-qu-5283.csv"
    before = {name: (combined / name / part).stat().st_ino for name in ("expenditure_summary", "income_summary")}
    whole_income = (combined / "income_summary.csv").stat().st_ino
    units = {p: p.stat().st_ino for p in (combined / "units.csv", combined / "parquet" / "units" / "units-0.parquet")}
    folder = next(data.glob("yan-qi*/2024-budget"))
    _add_row(folder, "expenditure_summary")
    render.render_site(data, tmp_path / "a", cache=cache)
    assert (combined / "income_summary" / part).stat().st_ino == before["income_summary"]
    assert (combined / "income_summary.csv").stat().st_ino == whole_income
    assert (combined / "expenditure_summary" / part).stat().st_ino != before["expenditure_summary"]
    assert {p: p.stat().st_ino for p in units} == units  # no unit's name, region or years changed
    render.render_site(data, tmp_path / "fresh")
    for path in (tmp_path / "fresh" / "data" / "combined").rglob("*.csv"):
        assert (combined / path.relative_to(tmp_path / "fresh" / "data" / "combined")).read_bytes() == path.read_bytes()


def _add_row(folder: Path, resource: str) -> None:
    """One more row in a package's table, its hash in datapackage.json updated (as the writer does)."""
    import hashlib

    path = folder / f"{resource}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    data = "".join([*lines, lines[-1]]).encode("utf-8")
    path.unlink()
    path.write_bytes(data)
    dp = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in dp["resources"]:
        if res["name"] == resource:
            res["hash"], res["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    (folder / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")


def test_a_table_over_the_size_limit_is_published_as_its_partitions(site, tmp_path, monkeypatch):
    """Past WHOLE_LIMIT a table gets no whole CSV (a national table is gigabytes; a static host
    refuses such files): datapackage.json lists its partitions as one multipart resource, which
    frictionless reads as the same rows; past Excel's row limit there is no Excel copy."""
    import frictionless

    from sitegen.site import partitions, render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    copy = data / "shanghai-copy" / "2024-budget"  # a second partition: parts after the first skip their header
    shutil.copytree(next(data.glob("xin-jiang*/2024-budget")), copy)
    dp = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    dp["unit"]["region"] = "上海市"
    (copy / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    render.render_site(data, tmp_path / "whole")
    reference = tmp_path / "whole" / "data" / "combined"
    sizes = {p.stem: p.stat().st_size for p in reference.glob("*.csv")}
    monkeypatch.setattr(partitions, "WHOLE_LIMIT", sizes["expenditure_summary"] - 1)
    monkeypatch.setattr(partitions, "EXCEL_ROWS", 10)
    render.render_site(data, tmp_path / "a", cache=tmp_path / "cache")
    combined = tmp_path / "a" / "data" / "combined"
    descriptor = json.loads((combined / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    big = by_name["expenditure_summary"]
    assert big["path"] == big["sitegen_partitions"] == [
        "expenditure_summary/2024/shang-hai-shi-d9c5.csv", "expenditure_summary/2024/xin-jiang-wei-wu-er-zi-zhi-qu-5283.csv"]
    assert not (combined / "expenditure_summary.csv").exists()
    assert sizes["income_summary"] > sizes["expenditure_summary"] and isinstance(by_name["income_summary"]["path"], list)
    small = [n for n, size in sizes.items() if size < sizes["expenditure_summary"] and n != "units"]
    assert small and all(isinstance(by_name[n]["path"], str) for n in small)
    assert all((combined / by_name[n]["path"]).is_file() for n in small)
    rows = {n: sum(1 for _ in open(reference / f"{n}.csv", encoding="utf-8")) - 1 for n in small}
    for n in small:  # Excel copies only where the rows fit
        assert ("sitegen_excel" in by_name[n]) == (rows[n] <= 10), n
        assert (combined / "excel" / f"{n}.csv").exists() == (rows[n] <= 10), n
    report = frictionless.validate(combined / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    resource = frictionless.Package(combined / "datapackage.json").get_resource("expenditure_summary")
    assert len(resource.read_rows()) == rows_of(reference / "expenditure_summary.csv")
    frame = resource.to_pandas()  # as the dictionary page shows: codes stay text
    expected = pd.read_csv(reference / "expenditure_summary.csv", dtype=PANDAS_DTYPE)
    assert len(frame) == len(expected) and sorted(frame["code"].dropna()) == sorted(expected["code"].dropna())
    page = (tmp_path / "a" / "catalog.html").read_text(encoding="utf-8")
    assert 'href="data/combined/expenditure_summary.csv"' not in page and "按年度、省份分文件" in page
    catalog = json.loads((tmp_path / "a" / "catalog.json").read_text(encoding="utf-8"))
    urls = [d["downloadURL"] for d in catalog["dataset"][0]["distribution"]]
    assert any(u.endswith("expenditure_summary/2024/xin-jiang-wei-wu-er-zi-zhi-qu-5283.csv") for u in urls)


def rows_of(path: Path) -> int:
    return len(pd.read_csv(path, dtype=PANDAS_DTYPE))


def test_the_database_starts_over_when_most_packages_changed(site, tmp_path):
    """After an upgrade or a new site URL every package is new to the database: deleting and
    inserting each through the full-text triggers cost more than a cold build (479 s against
    398 s CPU at N = 10,000), so a build where most packages changed makes a new database;
    one edit updates the same file in place."""
    from sitegen.site import render

    data = tmp_path / "dp"
    shutil.copytree(site.parent / "dp", data)
    cache = tmp_path / "cache"
    render.render_site(data, tmp_path / "a", cache=cache)
    db = cache / "budget.sqlite"
    inode = db.stat().st_ino
    _add_row(next(data.glob("yan-qi*/2024-budget")), "expenditure_summary")
    render.render_site(data, tmp_path / "a", cache=cache)
    assert db.stat().st_ino == inode  # one of two packages changed: updated in place
    render.render_site(data, tmp_path / "a", cache=cache, site_url="https://example.org/budget/")
    assert db.stat().st_ino != inode  # every package's facts changed: a new database
    page = next((tmp_path / "a").glob("yan-qi*/2024-budget/index.html")).read_text(encoding="utf-8")
    assert "https://example.org/budget/yan-qi" in page  # the citation names the new URL (pages were kept before)
    render.render_site(data, tmp_path / "fresh")
    assert _tables(tmp_path / "a") == _tables(tmp_path / "fresh")


def test_provinces_whose_names_read_alike_never_share_a_partition():
    """山西省 and 陕西省 are both shan-xi-sheng in pinyin: their rows went to one file."""
    from sitegen.site.partitions import partition_of
    from sitegen.site.regions import region_slug

    shanxi, shaanxi = partition_of(2024, "山西省太原市"), partition_of(2024, "陕西省西安市")
    assert shanxi != shaanxi and shanxi.startswith("2024/shan-xi-sheng-") and shaanxi.startswith("2024/shan-xi-sheng-")
    assert shanxi == f"2024/{region_slug('山西省')}"  # the province's listing folder: one name for it everywhere
    assert partition_of(None, "") == "unknown/unknown"
