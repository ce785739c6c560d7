// Calibration run page: follow the run's progress without reloading; reload when it ends.
// Without JavaScript, the page's "Refresh" link does the same by hand.
(function () {
  var box = document.getElementById("run-progress");
  if (!box || box.getAttribute("data-active") !== "true" || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("run-bar");
  var percent = document.getElementById("run-percent");
  var message = document.getElementById("run-message");
  var status = document.getElementById("run-status");
  var lastStage = box.getAttribute("data-stage") || "";
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + " %"; }
        if (percent) { percent.textContent = data.progress + " %"; }
        if (status) { status.textContent = data.status_label; }
        // The message (a live region) changes with the stage only, so screen readers are not
        // flooded with every EM cycle.
        if (message && data.stage !== lastStage) { message.textContent = data.message; lastStage = data.stage; }
        if (data.active) { window.setTimeout(poll, 1500); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
