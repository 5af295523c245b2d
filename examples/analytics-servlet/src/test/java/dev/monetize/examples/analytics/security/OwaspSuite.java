package dev.monetize.examples.analytics.security;

import dev.monetize.ManualTimeSource;
import dev.monetize.management.ManagementLimits;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What every OWASP API Top 10 test class shares: the servlet example on a clock that stands still. */
abstract class OwaspSuite {
  protected final ManualTimeSource time = ManualTimeSource.at(Instant.now());
  protected ExampleUnderTest app;

  @BeforeEach
  void startExample() throws Exception {
    app = ServletExamples.start(time, ManagementLimits.defaults());
  }

  @AfterEach
  void stopExample() {
    app.close();
  }

  protected String admin() {
    return app.demoKeys().get("admin");
  }

  protected String pro() {
    return app.demoKeys().get("pro");
  }
}
