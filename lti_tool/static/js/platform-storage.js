// LTI Client Side postMessages: keep the login state in the platform's storage frame
// (lti.put_data), then continue the login. Without an answer, the login goes on anyway:
// the tool also keeps a server-side record of the state.
(function () {
  var el = document.getElementById("platform-storage");
  if (!el) { return; }
  var targetName = el.dataset.target, origin = el.dataset.origin || "*", next = el.dataset.next;
  var parentWin = window.opener || window.parent;
  var target = parentWin;
  try { if (targetName && parentWin.frames[targetName]) { target = parentWin.frames[targetName]; } } catch (e) { target = parentWin; }
  var pending = 2, done = false;
  function go() { if (!done) { done = true; window.location.replace(next); } }
  window.addEventListener("message", function (ev) {
    if (origin !== "*" && ev.origin !== origin) { return; }
    var d = ev.data || {};
    if (d.subject === "lti.put_data.response") { pending -= 1; if (pending <= 0) { go(); } }
  });
  [["state", el.dataset.state], ["nonce", el.dataset.nonce]].forEach(function (kv, i) {
    target.postMessage({ subject: "lti.put_data", message_id: "boussole-" + i + "-" + Date.now(),
      key: "boussole_" + kv[0] + "_" + el.dataset.state, value: kv[1] }, origin);
  });
  setTimeout(go, 1500);
}());
