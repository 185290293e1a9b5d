// Progressive enhancement: show only the fields that fit the chosen kind, and say what
// "how many" counts in. Without JavaScript every field is shown and the form explains them.
(function () {
  var form = document.querySelector("form[data-period-kinds]");
  if (!form) return;
  var periods = form.dataset.periodKinds.split(" ");
  var hints = JSON.parse(form.dataset.unitHints || "{}");
  var labels = JSON.parse(form.dataset.quantityLabels || "{}");
  var kinds = form.querySelectorAll("input[name=kind]");
  var quantityHelp = document.getElementById("quantity-help");
  var quantityLabel = form.querySelector("label[for=quantity]");
  function chosen() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }
  function update() {
    var kind = chosen();
    var shape = !kind ? "" : periods.indexOf(kind) >= 0 ? "period" : "quantity";
    form.querySelectorAll("fieldset[data-kind]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.dataset.kind !== shape;
    });
    form.querySelectorAll("[data-needs-kind]").forEach(function (part) {
      part.hidden = !kind;
    });
    var hint = hints[kind];
    if (quantityLabel) quantityLabel.textContent = labels[kind] || "How many";
    if (quantityHelp && hint && !quantityHelp.classList.contains("field-error")) {
      // A number read from a certificate keeps its note to check it.
      var read = quantityHelp.closest(".read-from-file");
      quantityHelp.textContent = (read ? read.dataset.mark + " " : "") + hint;
    }
  }
  // Where it counts: offer only the categories that take the chosen kind, and say where
  // "Yes, where it fits" puts it.
  var counting = form.querySelectorAll("select[data-landings]");
  function updateCounting() {
    var kind = chosen();
    counting.forEach(function (select) {
      var takes = JSON.parse(select.dataset.landings)[kind] || [];
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
  kinds.forEach(function (radio) {
    radio.addEventListener("change", update);
    radio.addEventListener("change", updateCounting);
  });
  update();
  updateCounting();
})();

// "Add from a certificate": choosing the file sends it at once (no button to find after the
// file picker or the camera), and says it is being read, which can take a few seconds.
(function () {
  var form = document.querySelector("form[data-submit-on-choose]");
  if (!form) return;
  var status = form.querySelector(".reading-status");
  form.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      status.textContent = "Reading your file…";
      form.requestSubmit();
    });
  });
})();
