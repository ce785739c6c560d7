// LTI Client Side postMessages: read the login's state back from the platform's storage frame
// (lti.get_data), then post the launch again with it. No answer in time: post without it, and the
// tool refuses the launch with a clear page (a login that used platform storage must match it).
(function () {
  var form = document.getElementById("storage-launch");
  if (!form) { return; }
  var origin = form.dataset.origin || "*", targetName = form.dataset.target;
  var parentWin = window.opener || window.parent, target = parentWin;
  try { if (targetName && parentWin.frames[targetName]) { target = parentWin.frames[targetName]; } } catch (e) { target = parentWin; }
  var id = "boussole-get-" + Date.now(), sent = false;
  function go(value) {
    if (sent) { return; }
    sent = true;
    form.elements.platform_storage_state.value = value || "";
    form.submit();
  }
  window.addEventListener("message", function (ev) {
    if (origin !== "*" && ev.origin !== origin) { return; }
    var d = ev.data || {};
    if (d.subject === "lti.get_data.response" && d.message_id === id) { go(d.value); }
  });
  target.postMessage({ subject: "lti.get_data", message_id: id, key: form.dataset.key }, origin);
  setTimeout(function () { go(""); }, 3000);
}());
