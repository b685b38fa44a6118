// Filters, search, sorting, the 万元/元 switch and the comparison picker. Everything runs on
// this page's own files: no data leaves the page and no other host is contacted.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  function text(el) { return (el.textContent || "").trim(); }

  // ---- exact decimal strings (money is never put through floating point for display)
  function shift(s, k) {
    var neg = s.charAt(0) === "-"; if (neg) s = s.slice(1);
    var p = s.indexOf("."), whole = p < 0 ? s : s.slice(0, p), frac = p < 0 ? "" : s.slice(p + 1);
    var digits = whole + frac, point = whole.length + k;
    while (point <= 0) { digits = "0" + digits; point += 1; }
    while (point > digits.length) digits += "0";
    var i = digits.slice(0, point).replace(/^0+(?=\d)/, ""), f = digits.slice(point);
    return (neg ? "-" : "") + i + (f ? "." + f : "");
  }
  function group(s) {
    var neg = s.charAt(0) === "-"; if (neg) s = s.slice(1);
    var p = s.indexOf("."), whole = p < 0 ? s : s.slice(0, p), frac = p < 0 ? "" : s.slice(p);
    return (neg ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + frac;
  }
  function plain(s) { return String(s || "").replace(/,/g, "").trim(); }
  function tidy(s) {  // zeros the shift added past the second decimal say nothing: 15621.112300 → 15621.1123
    if (s.indexOf(".") < 0) return s;
    s = s.replace(/0+$/, "");
    while (s.length - s.indexOf(".") - 1 < 2) s += "0";
    return s;
  }
  function exactWan(el) {
    if (el.dataset.w) return plain(el.dataset.w);
    if (el.dataset.y) return tidy(shift(plain(el.dataset.y), -4));
    return plain(el.dataset.t || text(el));
  }
  function exactYuan(el) { return el.dataset.y ? plain(el.dataset.y) : shift(exactWan(el), 4); }

  // ---- money: exact value on hover and on tap; the page-wide 万元/元 switch
  var unitMode = "wan";
  var money = document.querySelectorAll(".m");
  each(money, function (el) {
    if (!text(el)) return;
    el.dataset.t = text(el);
    el.title = "精确值 " + group(exactWan(el)) + " 万元" + (el.dataset.y ? "（原文 " + group(plain(el.dataset.y)) + " 元）" : "");
  });
  function show(el) {
    if (!el.dataset.t) return;
    var exact = el.classList.contains("exact");
    if (unitMode === "yuan") el.textContent = group(exactYuan(el));
    else el.textContent = exact ? group(exactWan(el)) : el.dataset.t;
  }
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest(".m") : null;
    if (!el || !el.dataset.t || e.target.closest("a")) return;
    el.classList.toggle("exact");
    show(el);
  });
  var sw = document.getElementById("unitswitch");
  if (sw) {
    sw.hidden = false;
    each(sw.querySelectorAll("button"), function (b) {
      b.addEventListener("click", function () {
        unitMode = b.dataset.unit;
        each(sw.querySelectorAll("button"), function (o) { o.setAttribute("aria-pressed", String(o === b)); });
        each(money, show);
        each(document.querySelectorAll(".u"), function (u) { u.textContent = unitMode === "yuan" ? "元" : "万元"; });
      });
    });
  }

  // ---- a link to a table, a cell or a section inside a closed <details> opens it
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var d = el; d; d = d.parentElement) if (d.tagName === "DETAILS") d.open = true;
    if (el) el.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) reveal();

  // ---- listing pages filter their rows; the home page searches the sharded index (search/):
  // one key file for the query's first usable key, then the document chunks of its candidates
  var q = document.getElementById("q");
  var region = document.getElementById("region");
  var year = document.getElementById("year");
  var table = document.getElementById("units");
  var count = document.getElementById("count");
  var meta = null, fetched = {}, asked = 0;
  function variants(needle) {
    var out = [needle], synonyms = (meta && meta.synonyms) || {};
    Object.keys(synonyms).forEach(function (k) {
      if (needle.indexOf(k) !== -1) out.push(needle.split(k).join(synonyms[k]));
      if (needle.indexOf(synonyms[k]) !== -1) out.push(needle.split(synonyms[k]).join(k));
    });
    return out;
  }
  function matches(hay, vs) { hay = hay.toLowerCase(); return vs.some(function (v) { return hay.indexOf(v) !== -1; }); }
  function keysOf(v, latin) {  // as search.py: Han pairs, else (names only) the first two letters
    var han = v.match(/[\u4e00-\u9fff]{2,}/g), out = [];
    if (han) han.forEach(function (run) { for (var i = 0; i + 1 < run.length; i += 1) out.push(run.slice(i, i + 2)); });
    else if (latin && /^[a-z]{2}/.test(v)) out.push(v.slice(0, 2));
    if (out.length > 3) out = [out[0], out[Math.floor(out.length / 2)], out[out.length - 1]];
    return out;  // at most three keys: one bucket file each
  }
  function hash(key) {  // FNV-1a over UTF-16 code units, as key_hash in search.py
    var h = 2166136261;
    for (var i = 0; i < key.length; i += 1) { h ^= key.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return h;
  }
  function getJSON(base, rel) {
    var url = base + rel;
    if (!fetched[url]) fetched[url] = fetch(url).then(function (r) { return r.ok ? r.json() : {}; });
    return fetched[url];
  }
  function chunksOf(base, layer, keys) {  // the chunks holding every key (null: no key to look up)
    if (!keys.length) return Promise.resolve(null);
    var m = meta[layer];
    return Promise.all(keys.map(function (k) {
      return getJSON(base, layer + "/keys/" + (hash(k) % m.buckets) + ".json").then(function (t) { return t[k] || []; });
    })).then(function (lists) {
      return lists.reduce(function (a, b) { return a.filter(function (c) { return b.indexOf(c) !== -1; }); });
    });
  }
  function lookup(base, layer, vs, latin) {  // {docs, more}: the documents of the candidate chunks
    return Promise.all(vs.map(function (v) { return chunksOf(base, layer, keysOf(v, latin)); })).then(function (lists) {
      var ids = {};
      lists.forEach(function (l) { (l || []).forEach(function (c) { ids[c] = true; }); });
      var want = Object.keys(ids).map(Number).sort(function (x, y) { return x - y; });
      return Promise.all(want.slice(0, meta.fetch).map(function (c) {
        return getJSON(base, layer + "/docs/" + c + ".json");
      })).then(function (chunks) {
        return { docs: [].concat.apply([], chunks.map(function (d) { return Array.isArray(d) ? d : []; })),
                 more: want.length > meta.fetch };
      });
    });
  }
  function search(base, needle) {
    var vs = variants(needle), mine = ++asked;
    Promise.all([lookup(base, "names", vs, true), lookup(base, "text", vs, false)]).then(function (found) {
      if (mine !== asked) return;
      showUnits(found[0].docs.filter(function (d) { return matches(d[0] + " " + d[4] + " " + d[2] + " " + d[5], vs); }), found[0].more);
      showTexts(found[1].docs.map(function (d) {
        return [d, d[5].filter(function (t) { return matches(t[0], vs); })];
      }).filter(function (pair) { return pair[1].length; }), found[1].more);
    }).catch(function () { showUnits([], false); showTexts([], false); });
  }
  function kindOf(d) { return " " + d[2] + (d[3] === "final" ? "决算" : "预算") + " · " + d[4]; }
  function showUnits(docs, more) {
    var box = document.getElementById("found");
    if (!box) return;
    var list = box.querySelector("ul"), note = document.getElementById("found-note");
    list.textContent = "";
    docs.slice(0, 50).forEach(function (d) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = d[1]; a.textContent = d[0];
      li.appendChild(a); li.appendChild(document.createTextNode(kindOf(d)));
      list.appendChild(li);
    });
    if (note) note.hidden = !more && docs.length <= 50;
    box.hidden = docs.length === 0 && !more;
  }
  function showTexts(found, more) {  // [doc, [[text, anchor]…]]: a unit and what of it matched
    var box = document.getElementById("texts");
    if (!box) return;
    var list = document.getElementById("hits"), note = document.getElementById("hits-note");
    list.textContent = "";
    found.slice(0, 50).forEach(function (pair) {
      var d = pair[0], li = document.createElement("li"), a = document.createElement("a"), q = document.createElement("q");
      a.href = d[1] + "#" + pair[1][0][1]; a.textContent = d[0];
      q.textContent = pair[1].slice(0, 3).map(function (t) { return t[0]; }).join("；");
      li.appendChild(a); li.appendChild(document.createTextNode(kindOf(d) + "：")); li.appendChild(q);
      list.appendChild(li);
    });
    if (note) note.hidden = !more && found.length <= 50;
    box.hidden = found.length === 0 && !more;
  }
  function applyFilters() {
    if (!q) return;
    var needle = q.value.trim().toLowerCase();
    var shown = 0;
    if (table) each(table.tBodies[0].rows, function (row) {
      var ok = (!needle || matches(row.getAttribute("data-search"), variants(needle))) &&
               (!region || !region.value || row.getAttribute("data-region") === region.value) &&
               (!year || !year.value || row.getAttribute("data-year") === year.value);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    if (count) count.textContent = shown;
    var src = q.form && q.form.dataset.index;
    if (!src) return;
    var base = src.slice(0, src.lastIndexOf("/") + 1);
    if (needle.length < 2) { asked += 1; showUnits([], false); showTexts([], false); return; }
    if (meta) { search(base, needle); return; }
    getJSON("", src).then(function (m) { meta = m; search(base, q.value.trim().toLowerCase()); });
  }
  [q, region, year].forEach(function (el) { if (el) el.addEventListener("input", applyFilters); });
  var form = document.getElementById("filters");
  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });

  // ---- sortable tables
  each(document.querySelectorAll("table.sortable"), function (tbl) {
    each(tbl.tHead.rows[0].cells, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = text(th);
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        each(tbl.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(tbl.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          var u = kind === "num" ? parseFloat(x.getAttribute("data-value") || text(x)) : text(x);
          var v = kind === "num" ? parseFloat(y.getAttribute("data-value") || text(y)) : text(y);
          if (kind === "num") { u = isNaN(u) ? -Infinity : u; v = isNaN(v) ? -Infinity : v; }
          var r = kind === "num" ? u - v : String(u).localeCompare(String(v), "zh-CN");
          return ascending ? r : -r;
        });
        rows.forEach(function (row) { tbl.tBodies[0].appendChild(row); });
      });
    });
  });

  // ---- comparison: any units and years, side by side; the units of one year and region are
  // fetched when chosen (compare/<year>.json lists the regions), the chosen ones are kept
  var pick = document.getElementById("pick");
  var side = document.getElementById("side");
  if (pick && side) {
    var base = pick.dataset.src, chosen = [], list = pick.querySelector("ul");
    var pq = document.getElementById("pick-q"), pyear = document.getElementById("pick-year");
    var pregion = document.getElementById("pick-region");
    var load = function (rel) { return fetch(base + rel).then(function (r) { return r.json(); }); };
    var label = function (d) { return d.name + " " + d.year + (d.kind === "final" ? "决算" : "预算"); };
    var isChosen = function (d) { return chosen.some(function (c) { return c.url === d.url; }); };
    function cell(tr, tag, value, cls) {
      var c = document.createElement(tag); c.textContent = value; if (cls) c.className = cls;
      if (tag === "th") c.scope = tr.parentNode && tr.parentNode.tagName === "THEAD" ? "col" : "row";
      tr.appendChild(c); return c;
    }
    function wan(v) {
      if (v === "" || v == null) return "";
      var n = Number(plain(v));
      return isNaN(n) ? String(v) : group(n.toFixed(2));
    }
    function draw() {
      var metrics = [["收支总预算（万元）", "total", wan], ["基本支出", "basic", wan], ["项目支出", "project", wan],
        ["“三公”经费", "three_public", wan], ["人均收支预算（万元/人）", "per_staff", String],
        ["人均按", "staff_basis", String], ["项目支出占比", "project_share", String]];
      var classes = [];
      chosen.forEach(function (d) { Object.keys(d.classes || {}).forEach(function (k) { if (classes.indexOf(k) < 0) classes.push(k); }); });
      var tbl = document.createElement("table"), head = tbl.createTHead().insertRow(), body = tbl.createTBody();
      cell(head, "th", "项目", "name");
      chosen.forEach(function (d) {
        var th = cell(head, "th", "", "num"), a = document.createElement("a");
        a.href = d.url; a.textContent = label(d);
        th.appendChild(a);
      });
      metrics.forEach(function (m) {
        var tr = body.insertRow(); cell(tr, "th", m[0], "name");
        chosen.forEach(function (d) { cell(tr, "td", m[2](d[m[1]] == null ? "" : d[m[1]]), "num"); });
      });
      classes.sort().forEach(function (k) {  // one row per 类 code; the label as the first document prints it
        var first = chosen.map(function (d) { return (d.classes || {})[k]; }).filter(Boolean)[0][0];
        var tr = body.insertRow(); cell(tr, "th", first, "name");
        chosen.forEach(function (d) { cell(tr, "td", wan(((d.classes || {})[k] || [])[1]), "num"); });
      });
      side.textContent = "";
      side.appendChild(tbl);
    }
    function showUnitsOf(docs) {
      list.textContent = "";
      docs.forEach(function (d) {
        var li = document.createElement("li"), lab = document.createElement("label"), box = document.createElement("input");
        box.type = "checkbox"; box.checked = isChosen(d);
        box.addEventListener("change", function () {
          chosen = chosen.filter(function (c) { return c.url !== d.url; });
          if (box.checked && chosen.length < 6) chosen.push(d);
          box.checked = isChosen(d);
          draw();
        });
        lab.appendChild(box); lab.appendChild(document.createTextNode(" " + label(d)));
        li.appendChild(lab); list.appendChild(li);
      });
    }
    function region(first) {
      var files = JSON.parse(pregion.value || "[]");
      Promise.all(files.map(load)).then(function (parts) {
        var docs = [].concat.apply([], parts);
        if (first) { chosen = docs.slice(0, 2); draw(); }
        showUnitsOf(docs);
      });
    }
    function year(first) {
      load(pyear.value + ".json").then(function (regions) {
        pregion.textContent = "";
        regions.forEach(function (r) {
          var o = document.createElement("option"); o.value = JSON.stringify(r.files.map(function (f) { return f.slice(base.length); }));
          o.textContent = r.region; pregion.appendChild(o);
        });
        region(first);
      });
    }
    if (pyear && pyear.value) {
      pick.hidden = false;
      side.hidden = false;
      pyear.addEventListener("change", function () { year(false); });
      pregion.addEventListener("change", function () { region(false); });
      if (pq) pq.addEventListener("input", function () {
        var v = pq.value.trim();
        each(list.children, function (li) { li.hidden = !!v && text(li).indexOf(v) === -1 && !li.querySelector("input").checked; });
      });
      year(true);
    }
  }
})();
