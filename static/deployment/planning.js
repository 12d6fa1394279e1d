// Planning page: poll unfinished jobs and show their progress without reloading.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.job[data-finished='0']"));
  if (!rows.length) { return; }
  function poll() {
    var pending = rows.filter(function (row) { return row.dataset.finished === "0"; });
    if (!pending.length) { window.location.reload(); return; }
    pending.forEach(function (row) {
      fetch(row.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          row.querySelector(".job-status").textContent = job.status_label;
          row.querySelector(".job-progress").textContent = job.progress;
          row.querySelector("progress").value = job.progress;
          if (job.error || job.dispatch_error) {
            row.querySelector(".job-outcome").textContent = job.error || job.dispatch_error;
          }
          if (job.finished) { row.dataset.finished = "1"; }
        });
    });
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
