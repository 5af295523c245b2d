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

  /** A servlet that answers every method, as one overriding {@code service()} does. */
  private static jakarta.servlet.http.HttpServlet anyMethod(String body) {
    return new jakarta.servlet.http.HttpServlet() {
      @Override
      protected void service(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
          throws java.io.IOException {
        resp.getWriter().print(body);
      }
    };
  }

  @Test
  void aMethodTheCatalogDoesNotDeclareOnAMonetizedPathIs405EvenWhenUnmatchedRoutesPass() throws Exception {
    for (UnmatchedRoutes policy : UnmatchedRoutes.values()) {
      try (Monetize monetize = Monetize.builder().catalog(catalog).build();
          FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(monetize, policy),
              Map.of("/stats", anyMethod("report computed for free")))) {
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
          HttpResponse<String> r = jetty.call(method, "/stats", null, "{}");
          assertThat(r.statusCode()).as("%s /stats under %s", method, policy).isEqualTo(405);
          assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
          assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
              .startsWith("application/problem+json"));
          assertThat(r.body()).contains("\"code\":\"method_not_allowed\"").doesNotContain("for free");
        }
        assertThat(jetty.call("GET", "/stats", null, null).statusCode()).isEqualTo(401); // declared: a key is needed
        // a CORS preflight carries no credential: the unmatched-route policy answers it, not a 405
        assertThat(jetty.call("OPTIONS", "/stats", null, null).statusCode()).isNotEqualTo(405);
      }
    }
  }

  @Test
  void undeclaredMethodsPassOnlyWhenTheEngineSaysSo() throws Exception {
    try (Monetize monetize = Monetize.builder().catalog(catalog)
            .undeclaredMethods(dev.monetize.http.UndeclaredMethods.PASS_THROUGH).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(monetize, UnmatchedRoutes.PASS_THROUGH),
            Map.of("/stats", anyMethod("served on purpose")))) {
      assertThat(jetty.call("POST", "/stats", null, "{}").body()).isEqualTo("served on purpose");
    }
  }

  @Test
  void theApiReferenceAndPriceListArePublicOnlyWhenPublished() throws Exception {
    try (Monetize closed = Monetize.builder().catalog(catalog).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(closed), Map.of())) {
      assertThat(jetty.call("GET", "/openapi.json", null, null).statusCode()).isEqualTo(404);
      assertThat(jetty.call("GET", "/openapi.yaml", null, null).statusCode()).isEqualTo(404);
      HttpResponse<String> pricing = jetty.call("GET", "/monetize/pricing", null, null);
      assertThat(pricing.statusCode()).isEqualTo(401);
      assertThat(pricing.body()).contains("\"code\":\"key_missing\"");
      closed.customers().save(dev.monetize.plans.Customer.of("acme", "basic"));
      String secret = closed.keys().issue("acme", java.util.Set.of("stats:read")).secret();
      HttpResponse<String> privately = jetty.call("GET", "/monetize/pricing", secret, null);
      assertThat(privately.statusCode()).isEqualTo(200);
      assertThat(privately.headers().firstValue("Cache-Control")).hasValue("private, max-age=300");
      // a stranger's query mistakes are no business of ours: the credential comes first
      assertThat(jetty.call("GET", "/monetize/usage?nope=1", null, null).statusCode()).isEqualTo(401);
      assertThat(jetty.call("GET", "/monetize/usage?nope=1", secret, null).statusCode()).isEqualTo(400);
      assertThat(jetty.call("GET", "/monetize/credits?limit=5&", secret, null).statusCode()).isEqualTo(200);
    }
    try (Monetize published = Monetize.builder().catalog(catalog).publishDocs(true).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(published), Map.of())) {
      assertThat(jetty.call("GET", "/openapi.json", null, null).body()).contains("\"openapi\"");
      HttpResponse<String> page = jetty.call("GET", "/monetize/pricing?utm_source=newsletter", null, null);
      assertThat(page.statusCode()).isEqualTo(200); // a public page: its query is no request to us
      assertThat(page.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    }
  }

  @Test
  void mappedToTheApiAndTheManagementPrefixOnlyTheFilterLeavesInternalEndpointsToTheService() throws Exception {
    Catalog api = Catalog.builder()
        .plan(Plan.builder("basic").rank(0).rate(Rate.perSecond(10)).quota(Quota.daily(100)).build())
        .operation(Operation.builder("stats", "GET", "/v1/stats").build())
        .build();
    try (Monetize monetize = Monetize.builder().catalog(api).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(monetize),
            Map.of("/v1/*", FilteredJetty.text("stats"), "/internal/health", FilteredJetty.text("ok")),
            "/v1/*", "/monetize/*")) {
      monetize.customers().save(dev.monetize.plans.Customer.of("acme", "basic"));
      String secret = monetize.keys().issue("acme", java.util.Set.of("stats")).secret();
      assertThat(jetty.call("GET", "/internal/health", null, null).body()).isEqualTo("ok"); // outside the mapping
      assertThat(jetty.call("GET", "/v1/stats", null, null).statusCode()).isEqualTo(401);
      assertThat(jetty.call("GET", "/v1/stats", secret, null).body()).isEqualTo("stats");
      assertThat(jetty.call("GET", "/v1/forgotten", secret, null).statusCode()).isEqualTo(404); // inside: closed
      assertThat(jetty.call("GET", "/monetize/usage", null, null).statusCode()).isEqualTo(401);
      assertThat(jetty.call("GET", "/monetize/usage", secret, null).body()).contains("\"customer_id\":\"acme\"");
    }
  }

  @Test
  void aTrailingSlashOnAMonetizedRouteIs404UnderEveryPolicyAndIsNeitherBilledNorServedFree() throws Exception {
    for (UnmatchedRoutes policy : UnmatchedRoutes.values()) {
      dev.monetize.metering.InMemoryUsageSink usage = dev.monetize.metering.UsageSink.inMemory();
      try (Monetize monetize = Monetize.builder().catalog(catalog).usageSink(usage).build();
          FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(monetize, policy),
              Map.of("/stats/*", anyMethod("served"), "/stats", anyMethod("served")))) {
        monetize.customers().save(dev.monetize.plans.Customer.of("acme", "basic"));
        String secret = monetize.keys().issue("acme", java.util.Set.of("stats")).secret();
        assertThat(jetty.call("GET", "/stats//", secret, null).statusCode()).as("two slashes").isIn(400, 404);
        HttpResponse<String> slash = jetty.call("GET", "/stats/", secret, null);
        assertThat(slash.statusCode()).as("under %s", policy).isEqualTo(404);
        assertThat(slash.body()).contains("the route is /stats, without the trailing slash").doesNotContain("served");
        assertThat(slash.headers().firstValue("RateLimit")).isEmpty();
        assertThat(jetty.call("GET", "/stats", secret, null).body()).isEqualTo("served");
        HttpResponse<String> keyInPath = jetty.call("GET", "/stats/" + secret + "/", secret, null);
        assertThat(keyInPath.body()).as("a key pasted into a URL is not echoed").doesNotContain(secret);
        if (policy == UnmatchedRoutes.NOT_FOUND) {
          assertThat(keyInPath.body()).contains("No route for GET /stats/[redacted]/");
        }
        monetize.flushUsage();
        assertThat(usage.calls(r -> true)).isEqualTo(1); // only the call to the route itself
      }
    }
  }

  @Test
  void thePublishedDocumentAnswersHeadAndSaysHowLongItHolds() throws Exception {
    try (Monetize published = Monetize.builder().catalog(catalog).publishDocs(true).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(published), Map.of())) {
      HttpResponse<String> head = jetty.call("HEAD", "/openapi.json", null, null);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      HttpResponse<String> get = jetty.call("GET", "/openapi.json", null, null);
      assertThat(get.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
      assertThat(get.headers().firstValue("X-Request-Id")).isPresent();
    }
  }
}
