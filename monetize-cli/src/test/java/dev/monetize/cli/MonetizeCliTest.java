package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The CLI as an operator runs it: output, exit codes, and a credential the engine accepts. */
class MonetizeCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return MonetizeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void operatorKeyPrintsOneFreshSecretOfTheEnvironmentThatTheEngineTakes() {
    assertThat(run("operator-key")).isZero();
    String live = out.toString().trim();
    assertThat(ApiKeys.environmentOf(live)).contains(KeyEnvironment.LIVE);
    assertThat(run("operator-key", "--environment", "test")).isZero();
    String[] lines = out.toString().trim().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(ApiKeys.environmentOf(lines[1].trim())).contains(KeyEnvironment.TEST);
    assertThat(lines[1].trim()).isNotEqualTo(live);
    Catalog catalog = Catalog.builder().plan(Plan.builder("p").rate(Rate.perSecond(1)).quota(Quota.daily(1)).build())
        .build();
    try (Monetize m = Monetize.builder().catalog(catalog).operatorKey(live).build()) {
      assertThat(m.environment()).isEqualTo(KeyEnvironment.LIVE);
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void mistakesExitWith2AndSayWhat() {
    assertThat(run("operator-key", "--environment", "prod")).isEqualTo(2);
    assertThat(err.toString()).contains("--environment").contains("'prod'").contains("LIVE, TEST");
    assertThat(run("no-such-command")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Name a command");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("operator-key");
  }
}
