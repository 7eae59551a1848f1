// memsnap report: sortable, filterable tables.  Built into bin/memsnap and
// inlined into every HTML report; the page reads the same without it.
(function () {
  "use strict";
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v !== null) {
      return v === "" ? null : parseFloat(v);
    }
    return cell.textContent.trim().toLowerCase();
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a) < String(b) ? -1 : 1;
  }
  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    var rows = Array.prototype.slice.call(body.rows);
    var indexed = rows.map(function (row, i) { return [key(row.cells[col]), i, row]; });
    indexed.sort(function (x, y) {
      var c = compare(x[0], y[0]);
      if (x[0] !== null && y[0] !== null && dir === "descending") c = -c;
      return c || x[1] - y[1];
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir);
    indexed.forEach(function (x) { body.appendChild(x[2]); });
  }
  function filter(rows, text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(rows, function (row) {
      var t = row.textContent.toLowerCase();
      row.hidden = !words.every(function (w) { return t.indexOf(w) >= 0; });
    });
  }
  // A filter box before `el` for the rows rows() returns; every table and
  // the findings list get one, however short (a reader types the name they
  // look for without counting rows first).
  function filterBox(el, rows, what) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "filter " + what;
    input.setAttribute("aria-label", "filter the " + what + " below");
    input.addEventListener("input", function () { filter(rows(), input.value); });
    el.parentNode.insertBefore(input, el);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = th.textContent;
      b.title = "sort";
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () { sortBy(table, col, th); });
    });
    filterBox(table, function () { return table.tBodies[0].rows; }, "rows");
  });
  Array.prototype.forEach.call(document.querySelectorAll("ol.findings"), function (list) {
    if (!list.children.length) return;
    filterBox(list, function () { return list.children; }, "findings");
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      d.setAttribute("data-was-open", d.open ? "1" : "0");
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-was-open]"),
      function (d) { d.open = d.getAttribute("data-was-open") === "1"; });
  });
})();
