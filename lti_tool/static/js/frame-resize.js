// Inside Moodle's iframe, ask the platform to fit the frame to the page (lti.frameResize).
(function () {
  if (window.parent === window) { return; }
  var last = 0;
  function send() {
    var h = Math.ceil(document.documentElement.scrollHeight);
    if (Math.abs(h - last) < 4) { return; }
    last = h;
    window.parent.postMessage({ subject: "lti.frameResize", height: h }, "*");
    window.parent.postMessage(JSON.stringify({ subject: "lti.frameResize", height: h }), "*");
  }
  window.addEventListener("load", send);
  if (window.ResizeObserver) { new ResizeObserver(send).observe(document.body); }
}());
