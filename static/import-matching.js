// The matching step: under each column select, the examples of the column now chosen (the
// page shows those of the guess; without JavaScript the list of columns shows them all).
// "Not in this file" has no examples: its select says so already, so the hint is hidden.
(function () {
  var samples = JSON.parse(document.getElementById("column-samples").textContent);
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-column]")) return;
    var help = document.getElementById(select.id + "-help");
    if (help && help.classList.contains("field-error")) return;
    var examples = samples[select.value] || [];
    if (!help) {
      help = document.createElement("small");
      help.id = select.id + "-help";
      select.after(help);
      select.setAttribute("aria-describedby", help.id);
    }
    help.textContent = examples.length ? "Examples: " + examples.join(", ") : "";
    help.hidden = !examples.length;
  });
})();
