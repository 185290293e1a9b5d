// On a phone (static/tables.css, below 600 px) each row of a table shows as a card, each value
// under its column's heading. This script gives every cell of the tables in <main> its column's
// heading as data-label and marks the table "cards"; the style sheet does the rest. Without the
// script, tables keep their columns and scroll sideways in their box.
(function () {
  "use strict";
  var each = function (list, action) { Array.prototype.forEach.call(list, action); };

  // Cards need block boxes, and some browsers drop a table's meaning for screen readers when
  // its parts are not shown as a table: the roles keep rows, headings and cells announced.
  function keepRoles(table) {
    table.setAttribute("role", "table");
    each(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    each(table.rows, function (row) {
      row.setAttribute("role", "row");
      each(row.cells, function (cell) {
        var header = cell.tagName === "TH";
        var scope = cell.getAttribute("scope");
        cell.setAttribute("role", header ? (scope === "row" ? "rowheader" : "columnheader") : "cell");
      });
    });
  }

  function label(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var names = [];
    each(head.cells, function (th) {
      for (var i = 0; i < th.colSpan; i += 1) { names.push(th.textContent.trim()); }
    });
    // Two columns fit on a phone as they are (the chart's month and points).
    if (names.length <= 2) { return; }
    each(table.tBodies, function (body) {
      each(body.rows, function (row) {
        var column = 0;
        each(row.cells, function (cell) {
          // A cell across several columns (a row's problems) stands without a heading.
          if (cell.colSpan === 1 && names[column]) { cell.setAttribute("data-label", names[column]); }
          if (!cell.textContent.trim() && !cell.querySelector("img, svg, input, button, select")) {
            cell.classList.add("blank");
          }
          column += cell.colSpan;
        });
      });
    });
    keepRoles(table);
    table.classList.add("cards");
  }

  each(document.querySelectorAll("main table"), label);
}());
