// The matching step: under each column select, the examples of the column now chosen (the
// page shows those of the guess; without JavaScript the list of columns shows them all).
(function () {
  var samples = JSON.parse(document.getElementById("column-samples").textContent);
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-column]")) return;
    var help = document.getElementById(select.id + "-help");
    if (!help || help.classList.contains("field-error")) return;
    var examples = samples[select.value] || [];
    help.textContent = examples.length ? "Examples: " + examples.join(", ") : "Not in this file";
  });
})();
