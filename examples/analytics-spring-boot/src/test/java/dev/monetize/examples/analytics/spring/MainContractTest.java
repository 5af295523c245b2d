package dev.monetize.examples.analytics.spring;

import dev.monetize.examples.analytics.MainContract;

/** The start-up contract on the Spring Boot example. */
class MainContractTest extends MainContract {
  @Override
  protected Class<?> mainClass() {
    return AnalyticsSpringServer.class;
  }
}
