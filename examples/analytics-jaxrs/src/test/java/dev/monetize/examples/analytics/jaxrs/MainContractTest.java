package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.examples.analytics.MainContract;

/** The start-up contract on the JAX-RS example. */
class MainContractTest extends MainContract {
  @Override
  protected Class<?> mainClass() {
    return AnalyticsJaxrsServer.class;
  }
}
