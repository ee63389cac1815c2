// Start Swagger UI on the app's own OpenAPI description (kept out of the page: CSP forbids inline code).
window.addEventListener("load", function () {
  if (typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
