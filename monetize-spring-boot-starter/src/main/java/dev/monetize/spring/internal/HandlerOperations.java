package dev.monetize.spring.internal;

import dev.monetize.plans.Catalog;

/** Operations declared on the application's handler methods, added to the plans file's. */
public interface HandlerOperations {
  /** {@code catalog} with the annotated handlers' operations added. */
  Catalog addTo(Catalog catalog);

  /**
   * The request and response bodies of the handlers of {@code catalog}'s operations, as their
   * types say ({@code @Monetized} attributes, the return type, {@code @RequestBody},
   * {@code @ResponseStatus}), for answers written by {@code mapper}.
   */
  default dev.monetize.openapi.ApiSchemas schemas(Catalog catalog, com.fasterxml.jackson.databind.ObjectMapper mapper) {
    return dev.monetize.openapi.ApiSchemas.none();
  }
}
