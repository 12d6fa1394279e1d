/* Urgent incidents: refresh the table from the JSON feed every 30 seconds, without reloading the page. */
(function () {
  "use strict";

  var table = document.querySelector("table.incidents[data-feed]");
  if (!table || !window.EOM) return;
  var M = window.EOM.messages;
  var body = document.getElementById("incidents-body");
  var updated = document.getElementById("incidents-updated");
  var REFRESH_MS = 30000;

  function cell(row, text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text || "";
    row.appendChild(td);
    return td;
  }

  function badge(parent, text) {
    var span = document.createElement("span");
    span.className = "badge alert";
    span.textContent = text;
    parent.appendChild(document.createTextNode(" "));
    parent.appendChild(span);
  }

  function render(incidents) {
    body.textContent = "";
    if (!incidents.length) {
      var empty = document.createElement("tr");
      cell(empty, M.no_incidents).colSpan = 6;
      body.appendChild(empty);
    }
    incidents.forEach(function (incident) {
      var row = document.createElement("tr");
      var when = cell(row, "");
      var link = document.createElement("a");
      link.href = incident.url;
      link.textContent = incident.received_at;
      when.appendChild(link);
      var kind = cell(row, incident.kind);
      if (incident.urgent) badge(kind, M.urgent);
      if (incident.critical) badge(kind, M.critical);
      cell(row, incident.team);
      cell(row, incident.station || incident.tec);
      cell(row, incident.region);
      cell(row, incident.notes, "notes");
      body.appendChild(row);
    });
    var now = new Date();
    updated.textContent = window.EOM.format(M.updated, { time: window.EOM.clock(now, table.getAttribute("data-time-zone")) });
  }

  function refresh() {
    fetch(table.getAttribute("data-feed"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && Array.isArray(data.incidents)) render(data.incidents);
      })
      .catch(function () {
        return null;
      });
  }

  window.setInterval(refresh, REFRESH_MS);
})();
