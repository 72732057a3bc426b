/* Self-check (self-check.md): questions appear one after another as they are answered, and the result shows
   the advice for every "yes" and "not sure". All texts are in the page (fanzha/views.py self_check_view);
   this script only shows and hides them, so without it every question and every piece of advice shows. */
(function () {
  "use strict";
  var form = document.getElementById("fz-self-check");
  var result = document.getElementById("fz-self-check-result");
  if (!form || !result) return;
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.fz-question"));

  function answer(q) {
    var checked = q.querySelector("input:checked");
    return checked ? checked.value : null;
  }

  function update() {
    var open = questions.findIndex(function (q) { return !answer(q); });
    var done = open === -1;
    questions.forEach(function (q, i) { q.hidden = !done && i > open; });
    var yes = 0, unsure = 0;
    questions.forEach(function (q) {
      var a = answer(q);
      if (a === "yes") yes++;
      if (a === "unsure") unsure++;
      result.querySelector('[data-answer-for="' + q.dataset.flag + '"]').hidden = a !== "yes" && a !== "unsure";
    });
    // a single "yes" is enough to stop: the advice shows at once, the remaining questions stay open below it
    result.hidden = !done && !yes;
    result.querySelector('[data-result="yes"]').hidden = !yes;
    result.querySelector('[data-result="unsure"]').hidden = !!yes || !unsure;
    result.querySelector('[data-result="none"]').hidden = !!yes || !!unsure;
    result.classList.toggle("fz-finished", done);
  }

  form.addEventListener("change", update);
  form.addEventListener("reset", function () { setTimeout(function () { update(); questions[0].querySelector("input").focus(); }, 0); });
  update();
})();
