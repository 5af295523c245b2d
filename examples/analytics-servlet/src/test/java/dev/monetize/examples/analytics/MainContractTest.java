package dev.monetize.examples.analytics;

/** The start-up contract on the servlet example. */
class MainContractTest extends MainContract {
  @Override
  protected Class<?> mainClass() {
    return AnalyticsServer.class;
  }
}
