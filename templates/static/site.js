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

  // ---- home: filter by name, pinyin, initials, abbreviations; full text over projects and targets
  var q = document.getElementById("q");
  var region = document.getElementById("region");
  var year = document.getElementById("year");
  var table = document.getElementById("units");
  var count = document.getElementById("count");
  var synEl = document.getElementById("synonyms");
  var synonyms = synEl ? JSON.parse(synEl.textContent) : {};
  var index = null;
  function variants(needle) {
    var out = [needle];
    Object.keys(synonyms).forEach(function (k) {
      if (needle.indexOf(k) !== -1) out.push(needle.split(k).join(synonyms[k]));
      if (needle.indexOf(synonyms[k]) !== -1) out.push(needle.split(synonyms[k]).join(k));
    });
    return out;
  }
  function matches(hay, vs) { hay = hay.toLowerCase(); return vs.some(function (v) { return hay.indexOf(v) !== -1; }); }
  function showUnits(vs) {
    var box = document.getElementById("found");
    if (!box || !index) return;
    var list = box.querySelector("ul"), n = 0;
    list.textContent = "";
    if (vs[0]) index.docs.forEach(function (d) {
      if (n >= 50 || !matches(d.n + " " + d.r + " " + d.y + " " + d.p, vs)) return;
      n += 1;
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = d.u; a.textContent = d.n;
      li.appendChild(a); li.appendChild(document.createTextNode(" " + d.y + (d.k === "final" ? "决算" : "预算")));
      list.appendChild(li);
    });
    box.hidden = n === 0;
  }
  function showHits(vs) {
    var box = document.getElementById("hits");
    if (!box) return;
    var list = box.querySelector("ul");
    list.textContent = "";
    var n = 0;
    if (index && vs[0].length >= 2) {
      index.docs.forEach(function (d) {
        d.t.forEach(function (line) {
          if (n >= 30 || !matches(line, vs)) return;
          n += 1;
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = d.u + "#targets"; a.textContent = line;
          li.appendChild(a); li.appendChild(document.createTextNode(" — " + d.n + " " + d.y));
          list.appendChild(li);
        });
      });
    }
    box.hidden = n === 0;
  }
  function applyFilters() {
    if (!q) return;
    var needle = q.value.trim().toLowerCase();
    var vs = variants(needle);
    var shown = 0;
    if (table) each(table.tBodies[0].rows, function (row) {
      var ok = (!needle || matches(row.getAttribute("data-search"), vs)) &&
               (!region || !region.value || row.getAttribute("data-region") === region.value) &&
               (!year || !year.value || row.getAttribute("data-year") === year.value);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    if (count) count.textContent = shown;
    if (needle && !index && q.form && q.form.dataset.index) {
      fetch(q.form.dataset.index).then(function (r) { return r.json(); })
        .then(function (data) { index = data; var v = variants(q.value.trim().toLowerCase()); showUnits(v); showHits(v); })
        .catch(function () { index = { docs: [] }; });
    }
    showUnits(vs);
    showHits(vs);
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

  // ---- comparison: any units and years, side by side
  var pick = document.getElementById("pick");
  var side = document.getElementById("side");
  if (pick && side) {
    fetch(pick.dataset.src).then(function (r) { return r.json(); }).then(function (docs) {
      pick.hidden = false;
      side.hidden = false;
      var list = pick.querySelector("ul"), pq = document.getElementById("pick-q");
      docs.forEach(function (d, i) {
        var li = document.createElement("li"), label = document.createElement("label"), box = document.createElement("input");
        box.type = "checkbox"; box.value = String(i); box.checked = i < 2;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + d.name + " " + d.year + (d.kind === "final" ? "决算" : "预算")));
        li.appendChild(label); list.appendChild(li);
      });
      if (pq) pq.addEventListener("input", function () {
        var v = pq.value.trim();
        each(list.children, function (li) { li.hidden = !!v && text(li).indexOf(v) === -1 && !li.querySelector("input").checked; });
      });
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
        var chosen = [];
        each(pick.querySelectorAll("input:checked"), function (b) { if (chosen.length < 6) chosen.push(docs[+b.value]); });
        var metrics = [["收支总预算（万元）", "total", wan], ["基本支出", "basic", wan], ["项目支出", "project", wan],
          ["“三公”经费", "three_public", wan], ["人均收支预算（万元/人）", "per_staff", String],
          ["人均按", "staff_basis", String], ["项目支出占比", "project_share", String]];
        var classes = [];
        chosen.forEach(function (d) { Object.keys(d.classes || {}).forEach(function (k) { if (classes.indexOf(k) < 0) classes.push(k); }); });
        var tbl = document.createElement("table"), head = tbl.createTHead().insertRow(), body = tbl.createTBody();
        cell(head, "th", "项目", "name");
        chosen.forEach(function (d) {
          var th = cell(head, "th", "", "num"), a = document.createElement("a");
          a.href = d.url; a.textContent = d.name + " " + d.year + (d.kind === "final" ? "决算" : "预算");
          th.appendChild(a);
        });
        metrics.forEach(function (m) {
          var tr = body.insertRow(); cell(tr, "th", m[0], "name");
          chosen.forEach(function (d) { cell(tr, "td", m[2](d[m[1]] == null ? "" : d[m[1]]), "num"); });
        });
        classes.sort().forEach(function (k) {  // one row per 类 code; the label as the first document prints it
          var label = chosen.map(function (d) { return (d.classes || {})[k]; }).filter(Boolean)[0][0];
          var tr = body.insertRow(); cell(tr, "th", label, "name");
          chosen.forEach(function (d) { cell(tr, "td", wan(((d.classes || {})[k] || [])[1]), "num"); });
        });
        side.textContent = "";
        side.appendChild(tbl);
      }
      pick.addEventListener("change", draw);
      draw();
    }).catch(function () { /* the full table below still works */ });
  }
})();
