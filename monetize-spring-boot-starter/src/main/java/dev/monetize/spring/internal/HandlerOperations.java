package dev.monetize.spring.internal;

import dev.monetize.plans.Catalog;

/** Operations declared on the application's handler methods, added to the plans file's. */
public interface HandlerOperations {
  /** {@code catalog} with the annotated handlers' operations added. */
  Catalog addTo(Catalog catalog);
}
