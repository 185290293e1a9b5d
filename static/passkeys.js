// Passkeys in the browser (WebAuthn): add one on the two-factor page, and log in with one on
// the login page or at the second step. The server (tracker/auth/passkeys.py) sends the
// options in JSON, with binary values as base64url text; this script turns them into bytes for
// navigator.credentials, and the answer back into JSON. Without JavaScript (or WebAuthn) the
// passkey buttons stay hidden and the page says this browser cannot use passkeys; everything
// else works as before.
(function () {
  "use strict";

  var messages = document.querySelectorAll("[data-passkey-message]");
  var supported = !!(window.PublicKeyCredential && navigator.credentials && window.fetch);
  // The server answers its own errors in JSON; anything else (the HTML page of a CSRF token
  // that expired, most often) means the page is too old to send from.
  var TOO_OLD = "This page is too old. Reload it and try again.";
  var TOO_MANY = "Too many tries. Wait a few minutes and try again.";
  var WENT_WRONG = "Something went wrong. Please reload the page and try again.";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function say(message) {
    messages.forEach(function (element) {
      element.textContent = message;
      element.hidden = !message;
    });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function notJSON(response) {
    if (response.status === 429) return TOO_MANY;
    if (response.status >= 500) return WENT_WRONG;
    return TOO_OLD;
  }

  // POST to the server; resolves to its JSON answer, or fails with its message in plain words.
  function post(url, body) {
    var headers = {"X-CSRFToken": csrfToken(), "Accept": "application/json"};
    if (!(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body || {});
    }
    return fetch(url, {method: "POST", credentials: "same-origin", headers: headers, body: body})
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (answer) {
          if (!answer || typeof answer !== "object") throw new Error(notJSON(response));
          if (response.status === 400 && /csrf/i.test(answer.error || "")) {
            throw new Error(TOO_OLD);
          }
          if (!response.ok || answer.error) throw new Error(answer.error || WENT_WRONG);
          return answer;
        });
      });
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return {type: item.type, id: toBytes(item.id), transports: item.transports};
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return options;
  }

  function asJSON(credential) {
    var response = credential.response;
    var answer = {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {clientDataJSON: toText(response.clientDataJSON)}
    };
    if (response.attestationObject) {
      answer.response.attestationObject = toText(response.attestationObject);
      answer.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      answer.response.authenticatorData = toText(response.authenticatorData);
      answer.response.signature = toText(response.signature);
      answer.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return answer;
  }

  function failed(error) {
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      say("The passkey prompt was closed or ran out of time. Please try again.");
    } else if (error && error.name === "InvalidStateError") {
      say("This passkey is already added.");
    } else {
      say(error && error.message ? error.message : "Something went wrong. Please try again.");
    }
  }

  function go(answer) {
    window.location.assign(answer.redirect);
  }

  document.querySelectorAll("[data-passkey-needs-script]").forEach(function (element) {
    element.hidden = supported;
  });
  if (!supported) return;

  // Adding a passkey: the name and password go first, then the browser makes the passkey.
  document.querySelectorAll("form[data-passkey-add]").forEach(function (form) {
    form.hidden = false;
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      say("");
      button.disabled = true;
      post(form.action, new FormData(form))
        .then(function (options) {
          return navigator.credentials.create({publicKey: creationOptions(options)});
        })
        .then(function (credential) { return post(form.dataset.passkeyAdd, asJSON(credential)); })
        .then(go)
        .catch(failed)
        .then(function () { button.disabled = false; });
    });
  });

  // Logging in with a passkey, alone or as the second step.
  document.querySelectorAll("button[data-passkey-login]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      say("");
      button.disabled = true;
      var finish = button.dataset.passkeyFinish;
      var remember = document.querySelector("input[name=remember]");
      if (remember && remember.checked) {
        finish += (finish.indexOf("?") >= 0 ? "&" : "?") + "remember=1";
      }
      post(button.dataset.passkeyLogin)
        .then(function (options) {
          return navigator.credentials.get({publicKey: requestOptions(options)});
        })
        .then(function (credential) { return post(finish, asJSON(credential)); })
        .then(go)
        .catch(failed)
        .then(function () { button.disabled = false; });
    });
  });
})();
