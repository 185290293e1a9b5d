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

  // Many files go a few at a time: each request stays short (checking an iPhone photo takes
  // a second or two), so none runs out of time. Each answer's messages are kept and shown
  // together once all are sent. Without fetch, or with few files, the form is sent as is.
  var upload = document.querySelector("form.inbox-upload");
  var BATCH = 5;
  var SAID = "inbox-messages";
  function show(messages) {
    var added = 0;
    var shown = [];
    messages.forEach(function (message) {
      var count = /^(\d+) files? added\.$/.exec(message.text);
      if (count) added += Number(count[1]);
      else shown.push(message);
    });
    if (added) shown.unshift({ kind: "flash-success", text: added + (added === 1 ? " file" : " files") + " added." });
    var heading = document.querySelector("main h1");
    shown.forEach(function (message) {
      var line = document.createElement("p");
      line.className = "flash " + message.kind;
      line.setAttribute("role", "status");
      line.textContent = message.text;
      heading.parentNode.insertBefore(line, heading);
    });
  }
  var kept = window.sessionStorage && sessionStorage.getItem(SAID);
  if (kept) {
    sessionStorage.removeItem(SAID);
    show(JSON.parse(kept));
  }
  if (upload && window.fetch && window.sessionStorage) {
    upload.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(upload.querySelector("input[type=file]").files);
      var most = Number(upload.dataset.maxFiles);
      if (files.length <= BATCH || files.length > most) return; // one request; or refused whole
      event.preventDefault();
      var button = upload.querySelector("button[type=submit]");
      var status = upload.querySelector("[data-upload-status]");
      var token = upload.querySelector("input[name=csrf_token]").value;
      var messages = [];
      var sent = 0;
      button.disabled = true;
      function done() {
        sessionStorage.setItem(SAID, JSON.stringify(messages));
        window.location.assign(upload.action);
      }
      function next() {
        if (sent >= files.length) return done();
        var body = new FormData();
        body.append("csrf_token", token);
        files.slice(sent, sent + BATCH).forEach(function (file) {
          body.append("files", file, file.name);
        });
        status.textContent = "Adding " + Math.min(sent + BATCH, files.length) + " of " +
          files.length + " files…";
        fetch(upload.action, { method: "POST", body: body, credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.text();
          })
          .then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            page.querySelectorAll("main > .flash[role=status]").forEach(function (line) {
              var kind = Array.prototype.filter.call(line.classList, function (name) {
                return name.indexOf("flash-") === 0;
              })[0] || "flash-info";
              messages.push({ kind: kind, text: line.textContent.trim() });
            });
            sent += BATCH;
            next();
          })
          .catch(function () {
            messages.push({ kind: "flash-error", text: "Something went wrong after " +
              sent + " of " + files.length + " files. Check the list below and add the rest again." });
            done();
          });
      }
      next();
    });
  }
})();
