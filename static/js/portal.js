// On every page (deferred; the CSP forbids inline scripts).
(function () {
  "use strict";
  // A refused form: move focus to its error summary, so it is announced first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    // A summary link puts focus in its field (a fragment alone only scrolls to it).
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }
  // A region that scrolls sideways (a wide table on a phone) can be reached and scrolled
  // by keyboard: it takes focus and is named after its table's caption or heading.
  document.querySelectorAll(".table-responsive, [data-scroll-region]").forEach(function (region) {
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "0");
    if (!region.hasAttribute("role")) region.setAttribute("role", "region");
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      var caption = region.querySelector("caption");
      var heading = region.closest("section, .card, main");
      heading = heading && heading.querySelector("h1, h2, h3");
      var name = (caption || heading || {}).textContent;
      region.setAttribute("aria-label", (name || "Table").trim() + " (scrolls sideways)");
    }
  });
})();
