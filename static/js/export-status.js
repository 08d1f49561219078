// Follows the exports being built on "My Personal Data": moves their progress bars, and reloads the page
// once one is ready or failed so the download link or the retry button appears. No inline script (CSP).
(function () {
  "use strict";
  var POLL_MS = 2000;
  var GIVE_UP_MS = 30 * 60 * 1000;
  var started = Date.now();

  function poll(row) {
    var url = row.getAttribute("data-export-status");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        if (job.status !== "pending" && job.status !== "running") {
          window.location.reload();
          return;
        }
        var bar = row.querySelector("[data-export-progress]");
        if (bar) { bar.value = job.progress; bar.textContent = job.progress + " %"; }
        var label = row.querySelector("[data-export-label]");
        if (label) { label.textContent = job.label; label.className = "badge " + job.status; }
        schedule(row);
      })
      .catch(function () { schedule(row, POLL_MS * 5); });
  }

  function schedule(row, delay) {
    if (Date.now() - started < GIVE_UP_MS) {
      window.setTimeout(function () { poll(row); }, delay || POLL_MS);
    }
  }

  document.querySelectorAll("[data-export-status]").forEach(function (row) { schedule(row); });
})();
