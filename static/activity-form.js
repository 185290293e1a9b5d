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
  // Where it counts: offer only the categories that take the chosen kind, and say where
  // "Yes, where it fits" puts it.
  var counting = form.querySelectorAll("select[data-landings]");
  function updateCounting() {
    counting.forEach(function (select) {
      var takes = JSON.parse(select.dataset.landings)[kind.value] || [];
      Array.prototype.forEach.call(select.options, function (option) {
        var category = option.value !== "" && option.value !== "exclude";
        option.hidden = option.disabled = category && takes.indexOf(option.value) < 0;
      });
      if (select.selectedOptions[0] && select.selectedOptions[0].disabled) select.value = "";
      var fits = takes.length && select.querySelector("option[value='" + takes[0] + "']");
      select.options[0].text = fits ? fits.text.replace(/^Yes, as/, "Yes, where it fits: as")
        : "No: it does not count this kind of activity";
    });
  }
  kind.addEventListener("change", update);
  kind.addEventListener("change", updateCounting);
  update();
  updateCounting();
})();
