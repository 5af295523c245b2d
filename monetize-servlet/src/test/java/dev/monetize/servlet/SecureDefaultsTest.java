package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding 7 of the authority issue: a route the catalog does not know is closed unless the user opts in. */
class SecureDefaultsTest {
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("basic").rank(0).rate(Rate.perSecond(10)).quota(Quota.daily(100)).scopes("*").build())
      .operation(Operation.builder("stats", "GET", "/stats").build())
      .build();

  @Test
  void finding7_anUnmatchedRouteIs404ByDefault() throws Exception {
    try (Monetize monetize = Monetize.builder().catalog(catalog).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(monetize),
            Map.of("/stats", FilteredJetty.text("stats"), "/forgotten", FilteredJetty.text("secret data")))) {
      HttpResponse<String> r = jetty.call("GET", "/forgotten", null, null);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("\"code\":\"not_found\"").doesNotContain("secret data");
    }
  }

  @Test
  void passingThroughIsAnExplicitChoice() throws Exception {
    try (Monetize monetize = Monetize.builder().catalog(catalog).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(monetize, UnmatchedRoutes.PASS_THROUGH),
            Map.of("/forgotten", FilteredJetty.text("open on purpose")))) {
      assertThat(jetty.call("GET", "/forgotten", null, null).body()).isEqualTo("open on purpose");
    }
  }
}
