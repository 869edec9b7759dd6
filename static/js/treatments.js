// Treatments pages. CSP forbids inline script, so behaviour lives here.
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
