// Starts Swagger UI on the element that names the OpenAPI document. A file rather than an inline script, which
// the Content-Security-Policy forbids; no validator badge, which would be fetched from another origin.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
