// Digitalakademie – starts Swagger UI on the API documentation page (no inline script).
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec-url"),
    domNode: target,
    deepLinking: false,
    validatorUrl: null,
    supportedSubmitMethods: ["get"],
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false,
    onComplete: function () {
      // Swagger UI's server choice has no label of its own.
      var servers = document.getElementById("servers");
      if (servers) {
        servers.setAttribute("aria-label", target.getAttribute("data-servers-label"));
      }
    }
  });
})();
