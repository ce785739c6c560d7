// Settings form: progressive enhancement only (the form works without it).
// - focus the error summary when the page comes back with errors;
// - refresh the estimate of the number of questions when a setting changes, and on the
//   "Recompute the estimate" button, without reloading the page.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var form = document.querySelector("form[data-estimate-url]");
  var region = document.getElementById("estimate");
  if (!form || !region || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-estimate-url");
  var timer = null;
  var pending = null;

  function refresh() {
    var data = new FormData(form);
    data.delete("action");
    if (pending) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    region.setAttribute("aria-busy", "true");
    fetch(url, { method: "POST", body: data, credentials: "omit", signal: pending ? pending.signal : undefined })
      .then(function (resp) { if (!resp.ok) { throw new Error(String(resp.status)); } return resp.text(); })
      .then(function (html) { region.innerHTML = html; })
      .catch(function () { /* keep the last estimate; the button still submits the form */ })
      .then(function () { region.removeAttribute("aria-busy"); });
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "title") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
  var button = form.querySelector("[data-estimate-button]");
  if (button) {
    button.addEventListener("click", function (event) { event.preventDefault(); refresh(); });
  }
}());
