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
    table.dispatchEvent(new CustomEvent("memsnap-sorted"));
  }
  function filter(rows, text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(rows, function (row) {
      var t = row.textContent.toLowerCase();
      row.hidden = !words.every(function (w) { return t.indexOf(w) >= 0; });
    });
  }
  // The containers table of a big node opens with its top TOP rows (in the
  // order shown: ranked, or as sorted) and a button to show them all; a
  // filter searches every row.
  var TOP = 30;
  function cap(table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, i) {
      row.classList.toggle("over", i >= TOP);
    });
  }
  function button(text, after, onclick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "more";
    b.textContent = text;
    b.addEventListener("click", onclick);
    after.parentNode.insertBefore(b, after.nextSibling);
    return b;
  }
  function containers(table) {
    var wrap = table.parentNode, n = table.tBodies[0].rows.length;
    var last = wrap;
    // the parts of the working set (column 9 on): shown when they fit
    if (table.scrollWidth > wrap.clientWidth + 1) {
      table.classList.add("lean");
      var parts = button("Show the parts: anon, shmem, page cache, kernel, BPF, " +
                         "unexplained, reclaimable", wrap, function () {
        var lean = table.classList.toggle("lean");
        parts.textContent = lean ? "Show the parts: anon, shmem, page cache, kernel, BPF, " +
                                   "unexplained, reclaimable" : "Hide the parts";
      });
      last = parts;
    }
    if (n <= TOP) return;
    var expanded = false, filtering = false;
    cap(table);
    table.classList.add("capped");
    var all = button("Show all " + n + " containers", last, function () {
      expanded = !expanded;
      all.textContent = expanded ? "Show the top " + TOP : "Show all " + n + " containers";
      table.classList.toggle("capped", !expanded && !filtering);
    });
    table.addEventListener("memsnap-sorted", function () { cap(table); });
    table.addEventListener("memsnap-filtered", function (e) {
      filtering = !!e.detail;
      table.classList.toggle("capped", !expanded && !filtering);
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
    input.addEventListener("input", function () {
      filter(rows(), input.value);
      el.dispatchEvent(new CustomEvent("memsnap-filtered", { detail: input.value.trim() }));
    });
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
    if (table.classList.contains("containers")) containers(table);
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
