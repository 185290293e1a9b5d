// Progressive enhancement: show only the fields that fit the chosen kind, and say what
// "how many" counts in. Without JavaScript every field is shown and the form explains them.
(function () {
  var form = document.querySelector("form[data-period-kinds]");
  if (!form) return;
  var periods = form.dataset.periodKinds.split(" ");
  var hints = JSON.parse(form.dataset.unitHints || "{}");
  var kind = form.querySelector("select[name=kind]");
  var quantityHelp = document.getElementById("quantity-help");
  function update() {
    var shape = periods.indexOf(kind.value) >= 0 ? "period" : "quantity";
    form.querySelectorAll("fieldset[data-kind]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.dataset.kind !== shape;
    });
    if (quantityHelp && hints[kind.value] && !quantityHelp.classList.contains("field-error")) {
      quantityHelp.textContent = hints[kind.value];
    }
  }
  kind.addEventListener("change", update);
  update();
})();
