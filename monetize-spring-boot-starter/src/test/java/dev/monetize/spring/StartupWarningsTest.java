package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Settings of the application that undo the engine's work are named at start. */
@ExtendWith(OutputCaptureExtension.class)
class StartupWarningsTest {
  private static SpringApplicationBuilder app(Class<?> source, String... properties) {
    return new SpringApplicationBuilder(source).properties("server.port=0", "monetize.use-redis=false",
        "monetize.use-data-source=false", "monetize.plans=classpath:monetize-plans.yaml",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
        .properties(properties);
  }

  @Test
  void springSecuritysDefaultChainAndFrameworkForwardedHeadersAreWarnedOf(CapturedOutput output) {
    app(com.example.plain.PlainApplication.class, "server.forward-headers-strategy=framework").run().close();
    assertThat(output.getOut() + output.getErr())
        .contains("Spring Security's default filter chain asks every request for a login")
        .contains("server.forward-headers-strategy=framework makes any caller's X-Forwarded-For its address");
  }

  @Test
  void anApplicationWithItsOwnChainAndNoSuchSettingHearsNeither(CapturedOutput output) {
    app(com.example.app.TestApplication.class).run().close();
    assertThat(output.getOut() + output.getErr()).doesNotContain("default filter chain asks")
        .doesNotContain("forward-headers-strategy=framework makes");
  }
}
