// The credential chooser's search box: hides the credentials that do not match what is typed.
// Without this script the box stays hidden and every credential is listed (the others under
// "Other credentials").
(function () {
  "use strict";
  var box = document.querySelector("[data-chooser-search]");
  if (!box) { return; }
  var input = box.querySelector("input");
  var count = box.querySelector(".chooser-count");
  var none = document.querySelector("[data-chooser-none]");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-chooser-item]"));
  var agencies = Array.prototype.slice.call(document.querySelectorAll("[data-chooser-agency]"));
  var more = document.querySelector("[data-chooser-more]");

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search");
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    agencies.forEach(function (agency) {
      agency.hidden = !agency.querySelector("[data-chooser-item]:not([hidden])");
    });
    if (more && words.length) { more.open = true; }  // a match may be among the others
    none.hidden = shown > 0;
    count.textContent = words.length ? shown + " of " + items.length + " credentials shown" : "";
  }

  box.hidden = false;
  input.addEventListener("input", filter);
  filter();
}());
