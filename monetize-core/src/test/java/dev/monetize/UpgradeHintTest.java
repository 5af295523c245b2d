package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A refusal for the plan names an upgrade only when a higher plan includes the operation, never a lower one. */
class UpgradeHintTest {
  private final Operation export = Operation.builder("export", "GET", "/v1/export").scope("export:read").build();

  private Plan plan(String name, int rank, String... scopes) {
    return Plan.builder(name).rank(rank).rate(Rate.perSecond(10)).quota(Quota.daily(100)).scopes(scopes).build();
  }

  @Test
  void theHintNamesAHigherPlanOrNone() {
    Catalog catalog = Catalog.builder().plan(plan("free", 0, "*")).plan(plan("pro", 10, "stats:*"))
        .plan(plan("business", 20, "stats:*", "export:*")).operation(export).build();
    try (Monetize m = Monetize.builder().catalog(catalog).auditSink(b -> { }).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      String secret = m.keys().issue("acme", Set.of("stats:*")).secret();
      Admission a = m.admit(export, ApiRequest.of("GET", "/v1/export", "10.0.0.1", "r", "Bearer " + secret, null));
      assertThat(a.decision().error()).contains(ErrorCode.PLAN_DENIED);
      assertThat(a.problem().hint()).contains("'business'").doesNotContain("'free'");
    }
    Catalog noneHigher = Catalog.builder().plan(plan("free", 0, "*")).plan(plan("pro", 10, "stats:*"))
        .operation(export).build();
    try (Monetize m = Monetize.builder().catalog(noneHigher).auditSink(b -> { }).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      String secret = m.keys().issue("acme", Set.of("stats:*")).secret();
      Admission a = m.admit(export, ApiRequest.of("GET", "/v1/export", "10.0.0.1", "r", "Bearer " + secret, null));
      assertThat(a.decision().error()).contains(ErrorCode.PLAN_DENIED);
      assertThat(a.problem().hint()).isEqualTo("No plan above 'pro' includes export; ask the provider.");
    }
  }
}
