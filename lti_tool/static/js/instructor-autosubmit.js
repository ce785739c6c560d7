// Deep linking: post the signed response to the platform at once (the "Continue" button stays
// as a fallback when scripts are off). An external file, because the CSP forbids inline scripts.
(function () {
  var form = document.getElementById("autopost");
  if (form && form.hasAttribute("data-autosubmit")) { form.submit(); }
}());
