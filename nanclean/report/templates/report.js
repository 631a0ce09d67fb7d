(function () {
  "use strict";
  var script = document.currentScript;
  var root = script && script.closest(".nc");
  if (!root) { return; }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // Findings: filter by text and severity, sort by any column. Info findings of
  // one kind are grouped: a group row, and its member rows shown when expanded.
  var table = root.querySelector("table.findings");
  if (table) {
    var body = table.tBodies[0];
    var search = root.querySelector("input.findings-filter");
    var toggles = root.querySelectorAll("input.sev-toggle");
    var shown = root.querySelector(".findings-shown");
    var members = function (group) {
      return body.querySelectorAll("tr[data-member='" + group + "']");
    };
    var expanded = {};
    var filter = function () {
      var text = (search.value || "").toLowerCase();
      var on = {};
      each(toggles, function (t) { on[t.value] = t.checked; });
      var n = 0;
      var total = 0;
      var matches = function (row) {
        return !text || row.textContent.toLowerCase().indexOf(text) !== -1;
      };
      each(body.rows, function (row) {
        var member = row.getAttribute("data-member");
        var group = row.getAttribute("data-group");
        var sev = on[row.getAttribute("data-severity")] !== false;
        var ok;
        if (member) {
          ok = sev && expanded[member] === true && matches(row);
        } else {
          total += 1;
          ok = sev && matches(row);
          if (!ok && group && sev) {  // a group shows when one of its members matches
            each(members(group), function (m) { if (matches(m)) { ok = true; } });
          }
          if (ok) { n += 1; }
        }
        row.hidden = !ok;
      });
      if (shown) { shown.textContent = n + " of " + total + " shown"; }
    };
    search.addEventListener("input", filter);
    each(toggles, function (t) { t.addEventListener("change", filter); });
    each(body.querySelectorAll("button.expand"), function (button) {
      button.addEventListener("click", function () {
        var group = button.getAttribute("data-group");
        expanded[group] = !expanded[group];
        button.setAttribute("aria-expanded", expanded[group] ? "true" : "false");
        filter();
      });
    });
    each(table.tHead.rows[0].cells, function (th, col) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.addEventListener("click", function () {
        var numeric = th.getAttribute("data-sort") === "num";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        each(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.filter.call(body.rows, function (r) {
          return !r.hasAttribute("data-member");
        });
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-v") || a.cells[col].textContent;
          var y = b.cells[col].getAttribute("data-v") || b.cells[col].textContent;
          var d = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          if (d === 0) { d = parseInt(a.getAttribute("data-i"), 10) - parseInt(b.getAttribute("data-i"), 10); return d; }
          return asc ? d : -d;
        });
        each(rows, function (r) {
          body.appendChild(r);
          var group = r.getAttribute("data-group");
          if (group) { each(members(group), function (m) { body.appendChild(m); }); }
        });
      });
    });
  }

  // Column cards: filter by name, only those with findings, expand / collapse all.
  var cards = root.querySelectorAll("details.card");
  var byName = root.querySelector("input.columns-filter");
  var flagged = root.querySelector("input.columns-flagged");
  var count = root.querySelector(".columns-shown");
  var filterCards = function () {
    var text = (byName.value || "").toLowerCase();
    var n = 0;
    each(cards, function (card) {
      var ok = (!text || card.getAttribute("data-name").toLowerCase().indexOf(text) !== -1) &&
        (!flagged.checked || card.getAttribute("data-findings") !== "0");
      card.hidden = !ok;
      if (ok) { n += 1; }
    });
    if (count) { count.textContent = n + " of " + cards.length + " shown"; }
  };
  if (byName && flagged) {
    byName.addEventListener("input", filterCards);
    flagged.addEventListener("change", filterCards);
  }
  each(root.querySelectorAll("button[data-cards]"), function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-cards") === "open";
      each(cards, function (card) { if (!card.hidden) { card.open = open; } });
    });
  });
  // A link to a column opens its card.
  each(root.querySelectorAll("a.to-column"), function (a) {
    a.addEventListener("click", function () {
      var card = root.querySelector("details.card[data-anchor='" + a.getAttribute("data-anchor") + "']");
      if (card) { card.hidden = false; card.open = true; }
    });
  });
})();
