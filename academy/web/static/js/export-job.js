// The page of a background export (academy/jobs): asks for the job's state every two
// seconds and shows progress, the download link or the error; without JavaScript the
// "Update status" link reloads the page.
(function () {
  "use strict";
  var section = document.getElementById("export-job");
  if (!section || !window.fetch) { return; }
  var url = section.getAttribute("data-state-url");
  var label = document.getElementById("job-label");
  var progress = document.getElementById("job-progress");
  var download = document.getElementById("job-download");
  var reload = document.getElementById("job-reload");
  var error = document.getElementById("job-error");
  var rows = document.getElementById("job-rows");

  function show(state) {
    label.textContent = state.label;
    progress.value = state.progress;
    progress.textContent = state.progress + " %";
    if (rows && state.rows_total) {
      rows.textContent = state.rows_done.toLocaleString("de-DE") + " / " + state.rows_total.toLocaleString("de-DE");
    }
    if (state.download) {
      download.classList.remove("d-none");
      reload.classList.add("d-none");
    }
    if (state.error) {
      error.textContent = state.error;
      error.hidden = false;
      reload.classList.add("d-none");
    }
    return !(state.download || state.error);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && show(state)) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (!download.classList.contains("d-none") || !error.hidden) { return; }
  window.setTimeout(poll, 1000);
})();
