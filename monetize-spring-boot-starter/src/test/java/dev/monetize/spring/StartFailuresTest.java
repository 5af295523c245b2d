package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.bad.TwoPathsApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Mistakes in the configuration stop the start with a message that names the setting or the handler. */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class StartFailuresTest {
  private static SpringApplicationBuilder app(Class<?> source, String... properties) {
    return new SpringApplicationBuilder(source).properties("server.port=0", "monetize.use-redis=false",
        "monetize.use-data-source=false",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
        .properties(properties);
  }

  @Test
  void aMonetizedHandlerOnTwoPathsIsRefused() {
    assertThatThrownBy(() -> app(TwoPathsApplication.class).run().close())
        .rootCause().hasMessageContaining("com.example.bad.TwoPathsApplication$Ambiguous#both")
        .hasMessageContaining("one HTTP method on one path");
  }

  @Test
  void aShortPepperIsRefusedWithTheProperty() {
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class, "monetize.key-pepper=short").run().close())
        .rootCause().hasMessageContaining("monetize.key-pepper must be at least 32 bytes");
  }

  @Test
  void anUnresolvedPlaceholderIsNoSecret() {
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class,
        "monetize.token-secret=${MONETIZE_NO_SUCH_VARIABLE_FOR_THE_TEST}").run().close())
        .rootCause().hasMessageContaining("monetize.token-secret is an unresolved placeholder");
  }

  @Test
  void anOperatorKeyOfTheOtherEnvironmentNamesTheSettingToChange() {
    String testKey = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.TEST,
        new java.security.SecureRandom());
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class, "monetize.environment=live",
        "monetize.operator-key=" + testKey).run().close())
        .rootCause().hasMessageContaining("this deployment accepts mk_live_ keys")
        .hasMessageContaining("monetize.environment");
  }

  @Test
  void aDurationThatIsNotPositiveNamesTheProperty() {
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class, "monetize.redis-command-timeout=-5s").run()
        .close()).rootCause().hasMessageContaining("monetize.redis-command-timeout must be a positive duration");
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class, "monetize.usage-delivery-max-age=0s").run()
        .close()).rootCause().hasMessageContaining("monetize.usage-delivery-max-age must be a positive duration");
  }

  @Test
  void aMissingPlansFileNamesTheProperty() {
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class, "monetize.plans=classpath:nowhere.yaml")
        .run().close())
        .rootCause().hasMessageContaining("nowhere.yaml");
  }

  /** Spring Boot's own failure report says what Monetize refused, not a stack trace to dig through. */
  @Test
  void theFailureReportDescribesTheRefusalAndWhatToChange(org.springframework.boot.test.system.CapturedOutput out) {
    assertThatThrownBy(() -> app(com.example.app.TestApplication.class, "monetize.key-pepper=short").run().close());
    org.assertj.core.api.Assertions.assertThat(out.getAll()).contains("APPLICATION FAILED TO START",
        "Monetize cannot start: monetize.key-pepper must be at least 32 bytes", MonetizeFailureAnalyzer.ACTION);
  }

  /** A failure that is not Monetize's own is left to the analyzers that know it. */
  @Test
  void anotherFailureIsLeftToOthers() {
    java.util.Scanner closed = new java.util.Scanner("");
    closed.close();
    Throwable notOurs = org.assertj.core.api.Assertions.catchThrowable(closed::next); // thrown by java.util.Scanner
    org.assertj.core.api.Assertions.assertThat(notOurs).isInstanceOf(IllegalStateException.class);
    org.assertj.core.api.Assertions.assertThat(new MonetizeFailureAnalyzer().analyze(
        new org.springframework.beans.factory.BeanCreationException("app", "failed", notOurs))).isNull();
  }

  /** A start refused because a server cannot be reached names the server's own answer too. */
  @Test
  void aRefusalBecauseOfAServerNamesItsCause() {
    IllegalStateException refused = new IllegalStateException("monetize: cannot reach Redis at 127.0.0.1:1",
        new RuntimeException("wrapped", new java.net.ConnectException("Connection refused")));
    org.assertj.core.api.Assertions.assertThat(new MonetizeFailureAnalyzer().analyze(refused).getDescription())
        .isEqualTo("Monetize cannot start: monetize: cannot reach Redis at 127.0.0.1:1 "
            + "(cause: java.net.ConnectException: Connection refused)");
  }
}
