// Starts Swagger UI on the API page (/api/v1/docs) with the document named in data-spec-url.
// A file of its own rather than an inline script, so the Content-Security-Policy holds.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never ask validator.swagger.io about the document
    tryItOutEnabled: false,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
