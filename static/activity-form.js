// Progressive enhancement: show only the fields that fit the chosen category.
// Without JavaScript every field is shown and the form explains which ones to fill in.
(function () {
  var form = document.querySelector("form[data-period-categories]");
  if (!form) return;
  var periods = form.dataset.periodCategories.split(" ");
  var category = form.querySelector("select[name=category]");
  function update() {
    var kind = periods.indexOf(category.value) >= 0 ? "period" : "quantity";
    form.querySelectorAll("fieldset[data-kind]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.dataset.kind !== kind;
    });
  }
  category.addEventListener("change", update);
  update();
})();
