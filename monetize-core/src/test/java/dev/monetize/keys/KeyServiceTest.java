package dev.monetize.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A key issued in code passes the checks a key issued over the management API passes. */
class KeyServiceTest {
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(10)).quota(Quota.daily(1_000)).scopes("stats:*").build())
      .build();

  @Test
  void limitOverridesMustNameLimitsOfThePlan() {
    try (Monetize m = Monetize.builder().catalog(catalog).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      KeyService keys = m.keys();
      assertThatThrownBy(() -> keys.issue(KeyRequest.of("acme", Set.of("stats:read")).limits(Map.of("dayly", 5L))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dayly' is not a limit of plan 'pro'")
          .hasMessageContaining("[daily, rate]");
      assertThatThrownBy(() -> keys.issue(KeyRequest.of("acme", Set.of("stats:read")).limits(Map.of("daily", 0L))))
          .hasMessageContaining("must be at least 1");
      assertThatThrownBy(() -> keys.issue("acme", Set.of("export:read"))).isInstanceOf(ScopeEscalationException.class);
      assertThatThrownBy(() -> keys.issue("nobody", Set.of("stats:read"))).hasMessageContaining("does not exist");
      IssuedKey ok = keys.issue(KeyRequest.of("acme", Set.of("stats:read")).limits(Map.of("daily", 5L)));
      assertThat(keys.find(ok.key().id()).orElseThrow().limitOverrides()).isEqualTo(Map.of("daily", 5L));
    }
  }
}
