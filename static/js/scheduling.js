// The request form: show the plan-name field only for payers that have a plan.
// Without JavaScript every field simply stays visible.
(function () {
  "use strict";
  var form = document.querySelector("[data-request-form]");
  if (!form) { return; }
  var plan = document.getElementById("div_id_plan_name");
  if (!plan) { return; }
  var withPlan = ["commercial", "medicare", "medi_cal", "other"];
  function update() {
    var chosen = form.querySelector("input[name=payer_kind]:checked");
    var show = !chosen || withPlan.indexOf(chosen.value) !== -1 || plan.querySelector(".invalid-feedback");
    plan.hidden = !show;
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "payer_kind") { update(); }
  });
  update();
})();
