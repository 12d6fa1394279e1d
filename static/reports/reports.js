/* Report runs: progress without reloading; election-day dashboard refreshed from its JSON endpoint. */
(function () {
  "use strict";

  function text(value) {
    return value === null || value === undefined ? "–" : String(value);
  }

  function cell(row, value) {
    var td = document.createElement("td");
    td.textContent = text(value);
    row.appendChild(td);
    return td;
  }

  function pollRun(element) {
    var url = element.getAttribute("data-run-status");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          var status = element.querySelector('[data-field="status"]');
          var progress = element.querySelector('[data-field="progress"]');
          var message = element.querySelector('[data-field="message"]');
          if (status) { status.textContent = data.status_label; }
          if (progress) { progress.value = data.progress; progress.textContent = data.progress + "%"; }
          if (message) { message.textContent = data.error || data.dispatch_error || ""; }
          if (data.finished) {
            element.setAttribute("data-finished", "1");
            if (element.getAttribute("data-reload") && data.status === "done") { window.location.reload(); }
            return;
          }
          window.setTimeout(tick, 2000);
        })
        .catch(function () { window.setTimeout(tick, 10000); });
    }
    tick();
  }

  document.querySelectorAll("[data-run-status]").forEach(function (element) {
    if (element.getAttribute("data-finished") !== "1") { pollRun(element); }
  });

  var dashboard = document.getElementById("dashboard");
  if (!dashboard || !window.EOM) { return; }
  // Strings come in the page's language from the server (window.EOM.messages); times are written on the mission's
  // clock with its zone, as every page writes them.
  var M = window.EOM.messages;
  var format = window.EOM.format;
  var zone = dashboard.getAttribute("data-time-zone");
  var url = dashboard.getAttribute("data-url");
  var interval = parseInt(dashboard.getAttribute("data-interval"), 10) || 30000;

  function clock(iso) {
    return iso ? window.EOM.clock(new Date(iso), zone) : "";
  }

  function fill(name, rows, build) {
    var body = dashboard.querySelector('[data-field="' + name + '"]');
    body.textContent = "";
    rows.forEach(function (item) {
      var row = document.createElement("tr");
      build(row, item);
      body.appendChild(row);
    });
  }

  function render(data) {
    var peak = Math.max.apply(null, [1].concat(data.timeline.map(function (h) { return h.total; })));
    fill("timeline", data.timeline, function (row, hour) {
      cell(row, hour.hour);
      cell(row, hour.total).className = "num";
      var bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = Math.round(100 * hour.total / peak) + "%";
      var td = document.createElement("td");
      td.appendChild(bar);
      row.appendChild(td);
    });
    fill("regions", data.regions, function (row, region) {
      cell(row, region.name);
      cell(row, region.forms).className = "num";
      cell(row, region.observed).className = "num";
      cell(row, region.stations).className = "num";
      cell(row, region.pct).className = "num";
    });
    fill("incidents", data.incidents, function (row, incident) {
      cell(row, clock(incident.received_at));
      cell(row, incident.team);
      cell(row, incident.region);
      cell(row, incident.station);
      cell(row, incident.notes);
    });
    var status = dashboard.querySelector('[data-field="incidents-status"]');
    status.textContent = format(
      data.incidents_total > data.incidents.length ? M.dashboard_incidents_some : M.dashboard_incidents_all,
      { shown: data.incidents.length, total: data.incidents_total }
    );
    var compiled = dashboard.querySelector('[data-field="compiled"]');
    compiled.textContent = "";
    if (data.compiled) {
      var link = document.createElement("a");
      link.href = data.compiled.url;
      link.textContent = format(M.dashboard_run, { run: data.compiled.run, time: clock(data.compiled.finished_at) });
      compiled.appendChild(link);
      var negative = Object.keys(data.compiled.negative).map(function (kind) {
        return (data.compiled.kind_labels[kind] || kind) + " " + text(data.compiled.negative[kind]) + "%";
      }).join(", ");
      compiled.appendChild(document.createTextNode(format(M.dashboard_compiled, {
        observations: data.compiled.observations,
        negative: negative,
        urgent: data.compiled.urgent,
        critical: data.compiled.critical
      })));
    } else {
      compiled.textContent = M.dashboard_no_run;
    }
    dashboard.querySelector('[data-field="updated"]').textContent =
      format(M.dashboard_updated, { n: data.forms_total, time: window.EOM.clock(new Date(), zone) });
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(render)
      .catch(function () {
        dashboard.querySelector('[data-field="updated"]').textContent = M.dashboard_retry;
      })
      .then(function () { window.setTimeout(refresh, interval); });
  }
  refresh();
})();
