package dev.monetize.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Annotations are read once, at deployment; mistakes fail it with a message naming the method. */
class DeploymentTest {
  private final Catalog plans = Catalog.builder()
      .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(10).withBurst(20)).quota(Quota.daily(100)).build())
      .plan(Plan.builder("pro").rank(10).rate(Rate.perSecond(10).withBurst(20)).quota(Quota.daily(100)).build())
      .build();

  @Test
  void classDefaultsAndMethodOverridesMakeTheOperations() {
    Map<String, Operation> ops = new java.util.HashMap<>();
    MonetizeJaxrs.endpoints(Resources.Stats.class).forEach(e -> ops.put(e.operation().id(), e.operation()));
    assertThat(ops).containsOnlyKeys("stats.summary", "stats.slow", "stats.cors", "reports.get", "export", "points", "ingest", "upload",
        "boom");
    Operation summary = ops.get("stats.summary");
    assertThat(summary.method()).isEqualTo("GET");
    assertThat(summary.pathTemplate()).isEqualTo("/v1/summary");
    assertThat(summary.scope()).isEqualTo("stats:read"); // from the class
    assertThat(summary.price().orElseThrow().amount()).isEqualByComparingTo(new BigDecimal("0.002"));
    assertThat(ops.get("reports.get").pathTemplate()).isEqualTo("/v1/reports/{id}");
    Operation export = ops.get("export");
    assertThat(export.scope()).isEqualTo("export:read"); // the method's
    assertThat(export.minimumPlan()).contains("pro");
    assertThat(export.cost()).isEqualTo(10);
    assertThat(ops.get("boom").method()).isEqualTo("POST");
    assertThat(MonetizeJaxrs.endpoints(Resources.Stats.class)).allSatisfy(e -> assertThat(e.version()).contains("v1"));
    assertThat(MonetizeJaxrs.endpoints(Resources.Public.class)).isEmpty();
  }

  @Test
  void anUnknownPlanOrANegativePriceFailsNamingTheMethod() {
    assertThatThrownBy(() -> MonetizeJaxrs.catalog(plans, Resources.UnknownPlan.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dev.monetize.jaxrs.Resources$UnknownPlan#bad: minimum plan 'gold' is not a plan");
    assertThatThrownBy(() -> MonetizeJaxrs.catalog(plans, Resources.NegativePrice.class))
        .hasMessageStartingWith("dev.monetize.jaxrs.Resources$NegativePrice#bad: price -1 is negative");
  }

  @Test
  void aMethodMissingFromTheEnginesCatalogFailsTheDeployment() throws Exception {
    try (Monetize m = Monetize.builder().catalog(plans).auditSink(b -> { }).build()) {
      MonetizeFeature feature = new MonetizeFeature(m);
      Method summary = Resources.Stats.class.getMethod("summary", jakarta.ws.rs.core.SecurityContext.class);
      assertThatThrownBy(() -> feature.configure(info(Resources.Stats.class, summary), context()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Resources$Stats#summary").hasMessageContaining("MonetizeJaxrs.catalog");
      // an unmonetized method is left alone
      feature.configure(info(Resources.Public.class, Resources.Public.class.getMethod("hello")), context());
    }
  }

  static ResourceInfo info(Class<?> type, Method method) {
    return new ResourceInfo() {
      @Override
      public Method getResourceMethod() {
        return method;
      }

      @Override
      public Class<?> getResourceClass() {
        return type;
      }
    };
  }

  static FeatureContext context() {
    return (FeatureContext) java.lang.reflect.Proxy.newProxyInstance(DeploymentTest.class.getClassLoader(),
        new Class<?>[] {FeatureContext.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConfiguration")) {
            return (Configuration) null;
          }
          if (method.getName().equals("register")) {
            throw new AssertionError("nothing may be registered for this method: " + List.of(args));
          }
          return proxy;
        });
  }
}
