'use strict';
// Swagger UI over the service's own OpenAPI document. "Try it out" sends the key the visitor enters
// under "Authorize"; it stays in this page's memory only (never in local storage).
window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({
    url: document.querySelector('main').dataset.document || 'openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: false,
    persistAuthorization: false,
    displayRequestDuration: true,
    showExtensions: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
