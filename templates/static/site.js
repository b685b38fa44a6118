// Filter and sort tables on the client. No data leaves the page; no other host is contacted.
(function () {
  "use strict";
  function text(el) { return (el.textContent || "").trim(); }

  var q = document.getElementById("q");
  var region = document.getElementById("region");
  var year = document.getElementById("year");
  var table = document.getElementById("units");
  var count = document.getElementById("count");
  function applyFilters() {
    if (!table) return;
    var needle = q ? q.value.trim().toLowerCase() : "";
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var ok = (!needle || row.getAttribute("data-search").toLowerCase().indexOf(needle) !== -1) &&
               (!region || !region.value || row.getAttribute("data-region") === region.value) &&
               (!year || !year.value || row.getAttribute("data-year") === year.value);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    if (count) count.textContent = shown;
  }
  [q, region, year].forEach(function (el) { if (el) el.addEventListener("input", applyFilters); });
  var form = document.getElementById("filters");
  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (tbl) {
    Array.prototype.forEach.call(tbl.tHead.rows[0].cells, function (th, index) {
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
        Array.prototype.forEach.call(tbl.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
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
})();
