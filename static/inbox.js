// Progressive enhancement of the proof inbox. Without JavaScript every box is shown and
// "Read the rest" is a button to press.
(function () {
  var kinds = JSON.parse(document.getElementById("inbox-kinds").textContent);

  // Show only the boxes that fit each draft's kind, and say what "how many" counts in.
  function fit(form) {
    var select = form.querySelector("select[name$='-kind']");
    if (!select) return;
    var kind = select.value;
    var shape = !kind ? "" : kinds.periods.indexOf(kind) >= 0 ? "period" : "quantity";
    form.querySelectorAll("[data-shape]").forEach(function (part) {
      part.hidden = shape !== "" && part.dataset.shape !== shape;
    });
    var label = form.querySelector("label[for$='-quantity']");
    if (label) label.textContent = kinds.labels[kind] || "How many";
  }
  function fitAll(root) {
    root.querySelectorAll("form[data-draft-form]").forEach(fit);
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft-form]");
    if (form && event.target.matches("select[name$='-kind']")) fit(form);
  });
  // A draft the person has started to fix is never replaced by a newer copy of the page.
  document.addEventListener("input", function (event) {
    var draft = event.target.closest && event.target.closest("[data-draft]");
    if (draft) draft.dataset.touched = "yes";
  });
  fitAll(document);

  // Press "Read the rest" until every file is read, swapping in each draft once it is read.
  function readRest() {
    var banner = document.querySelector("[data-read-rest]");
    if (!banner) return;
    var form = banner.querySelector("form");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-draft][data-unread]").forEach(function (old) {
          var now = fresh.getElementById(old.id);
          if (now && !now.hasAttribute("data-unread") && !old.dataset.touched) {
            var copy = document.importNode(now, true);
            old.replaceWith(copy);
            fitAll(copy.parentNode);
          }
        });
        var freshBanner = fresh.querySelector("[data-read-rest]");
        if (freshBanner) {
          banner.querySelector("[data-unread-count]").textContent =
            freshBanner.querySelector("[data-unread-count]").textContent;
          readRest();
        } else {
          banner.remove();
        }
      })
      .catch(function () { /* the button is still there to press */ });
  }
  readRest();
})();
