// Treatments pages. CSP forbids inline script, so behaviour lives here.
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }

  // The discharge gate's live countdown to the end of the observation time. The server
  // set the end (from its own first-device stamp) and re-checks it on discharge; this
  // only shows the nurse how long is left.
  var clock = document.querySelector("[data-countdown-until]");
  if (clock) {
    var until = Date.parse(clock.getAttribute("data-countdown-until"));
    var text = clock.querySelector("[data-countdown-text]");
    var tick = function () {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        text.textContent = "· observation time reached";
        clock.classList.add("text-success");
        return false;
      }
      var h = Math.floor(left / 3600);
      var m = Math.floor((left % 3600) / 60);
      var s = left % 60;
      text.textContent = "· " + (h ? h + " h " : "") + m + " min " + (s < 10 ? "0" : "") + s + " s to go";
      return true;
    };
    if (text && !isNaN(until) && tick()) {
      var timer = window.setInterval(function () {
        if (!tick()) { window.clearInterval(timer); }
      }, 1000);
    }
  }
})();
