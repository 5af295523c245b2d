package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.cache.CachedResponse;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.CachePolicy;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The response cache through the engine: per tenant, limited and metered, tags, HEAD, 304, single flight. */
class CacheStageTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary")
      .cache(CachePolicy.ttl(Duration.ofSeconds(60)).withTags("stats").withQueryParameters("from", "to")).build();
  private final Operation live = Operation.builder("live", "GET", "/v1/live").build();

  private final dev.monetize.metering.InMemoryUsageSink sink = dev.monetize.metering.UsageSink.inMemory();

  private Monetize monetize(long quota) {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(quota)).build();
    return Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).operation(live).build())
        .timeSource(time).usageSink(sink).auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private static IssuedKey customer(Monetize m, String id) {
    m.customers().save(new Customer(id, "basic", BillingAnchor.of(1, ZoneOffset.UTC), id));
    return m.keys().issue(id, Set.of("*"));
  }

  private static Admission admit(Monetize m, Operation op, IssuedKey k, String method) {
    return m.admit(op, ApiRequest.of(method, op.pathTemplate(), "10.0.0.1", "r", "Bearer " + k.secret(), null));
  }

  private static String header(List<Header> headers, String name) {
    return headers.stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
  }

  /** One request as an adapter runs it: a hit is served, a miss runs the "endpoint" and stores its answer. */
  private String request(Monetize m, IssuedKey k, String query, String body, List<Header> out) {
    Admission a = admit(m, summary, k, "GET");
    assertThat(a.decision().admitted()).isTrue();
    CacheLookup c = a.cache(query, "application/json", null);
    String answer;
    if (c.hit().isPresent()) {
      answer = new String(c.hit().get().body(), StandardCharsets.UTF_8);
    } else {
      answer = body;
      c.store(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
    out.addAll(c.headers());
    a.complete(200, answer.length());
    return answer;
  }

  /**
   * A query with a malformed escape is never stored nor served from the cache: the endpoint answers it
   * every time (an app that refuses it refuses it on every call, not only on a miss), and it never shares
   * the entry of the well-formed query it would read as.
   */
  @Test
  void aMalformedEscapeNeverMeetsTheCache() throws Exception {
    try (Monetize m = monetize(10)) {
      IssuedKey acme = customer(m, "acme");
      List<Header> first = new java.util.ArrayList<>();
      assertThat(request(m, acme, "from=%25zz", "{\"n\":1}", first)).isEqualTo("{\"n\":1}");
      assertThat(header(first, "Cache-Status")).isEqualTo("monetize; fwd=miss; stored");
      for (String bad : new String[] {"from=%zz", "from=%2", "from=%", "from=1&to=%g0"}) {
        Admission a = admit(m, summary, acme, "GET");
        CacheLookup c = a.cache(bad, "application/json", null);
        assertThat(c.hit()).as(bad).isEmpty();
        assertThat(c.storing()).as(bad).isFalse();
        a.complete(400, 0);
      }
      assertThat(dev.monetize.http.QueryStrings.wellEscaped("a=%41%4a&b=%e2%82%ac")).isTrue();
      assertThat(dev.monetize.http.QueryStrings.wellEscaped(null)).isTrue();
    }
  }

  /** Preconditions the endpoint evaluates ({@code If-Match}, {@code If-Unmodified-Since}) never meet a stored answer. */
  @Test
  void aRequestWithAPreconditionForTheEndpointBypassesTheCache() throws Exception {
    try (Monetize m = monetize(10)) {
      IssuedKey acme = customer(m, "acme");
      Admission stored = admit(m, summary, acme, "GET"); // as the adapters look up: with the request's headers
      stored.cache("from=1", "application/json", null, name -> null).store(200, "application/json",
          "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
      stored.complete(200, 7);
      for (String precondition : new String[] {"If-Match", "If-Unmodified-Since"}) {
        Admission a = admit(m, summary, acme, "GET");
        CacheLookup c = a.cache("from=1", "application/json", null,
            name -> name.equalsIgnoreCase(precondition) ? "\"other\"" : null);
        assertThat(c.hit()).as(precondition).isEmpty();
        assertThat(c.storing()).as(precondition).isFalse();
        a.complete(412, 0);
      }
      Admission plain = admit(m, summary, acme, "GET"); // without one: the stored answer, as before
      assertThat(plain.cache("from=1", "application/json", null, name -> null).hit()).isPresent();
      plain.complete(200, 0);
    }
  }

  @Test
  void aHitIsServedToItsTenantOnlyStillLimitedAndMeteredAsAHit() throws Exception {
    try (Monetize m = monetize(4)) {
      IssuedKey acme = customer(m, "acme");
      IssuedKey globex = customer(m, "globex");
      List<Header> first = new java.util.ArrayList<>();
      assertThat(request(m, acme, "from=1&to=2&utm=x", "{\"acme\":1}", first)).isEqualTo("{\"acme\":1}");
      assertThat(header(first, "Cache-Status")).isEqualTo("monetize; fwd=miss; stored");
      assertThat(header(first, "Cache-Control")).isEqualTo("private, max-age=60");
      assertThat(header(first, "Vary")).isEqualTo("Authorization, X-API-Key, Accept, Accept-Encoding");
      time.set(Instant.parse("2026-03-01T00:00:10Z"));
      List<Header> second = new java.util.ArrayList<>();
      // parameters in another order, one that does not count: the same entry
      assertThat(request(m, acme, "utm=y&to=2&from=1", "{\"acme\":2}", second)).isEqualTo("{\"acme\":1}");
      assertThat(header(second, "Cache-Status")).isEqualTo("monetize; hit");
      assertThat(header(second, "ETag")).isEqualTo(header(first, "ETag"));
      assertThat(header(second, "Age")).isEqualTo("10");
      assertThat(header(second, "Cache-Control")).isEqualTo("private, max-age=50");
      // another tenant asking the same URL gets its own answer
      assertThat(request(m, globex, "from=1&to=2", "{\"globex\":1}", new java.util.ArrayList<>()))
          .isEqualTo("{\"globex\":1}");
      // a HEAD shares the GET's entry
      Admission head = admit(m, summary, acme, "HEAD");
      assertThat(head.cache("from=1&to=2", "application/json", null).hit()).isPresent();
      head.complete(200, 0);
      // the limits still count hits: the quota of 4 refuses the fifth
      assertThat(request(m, acme, "from=1&to=2", "{}", new java.util.ArrayList<>())).isEqualTo("{\"acme\":1}");
      assertThat(admit(m, summary, acme, "GET").decision().admitted()).isFalse();
      // metered: every call, and the hits apart
      m.flushUsage();
      assertThat(sink.calls(r -> r.customerId().equals("acme"))).isEqualTo(4);
      assertThat(sink.records().stream().filter(r -> r.customerId().equals("acme"))
          .mapToLong(r -> r.units().getOrDefault("cache_hits", 0L)).sum()).isEqualTo(3);
    }
  }

  @Test
  void invalidatingATagForTheTenantOrEveryoneMakesTheNextRequestMiss() {
    try (Monetize m = monetize(1_000)) {
      IssuedKey acme = customer(m, "acme");
      IssuedKey globex = customer(m, "globex");
      request(m, acme, "", "{\"v\":1}", new java.util.ArrayList<>());
      request(m, globex, "", "{\"g\":1}", new java.util.ArrayList<>());
      m.cache().invalidate("acme", "stats");
      assertThat(request(m, acme, "", "{\"v\":2}", new java.util.ArrayList<>())).isEqualTo("{\"v\":2}");
      assertThat(request(m, globex, "", "{\"g\":2}", new java.util.ArrayList<>())).isEqualTo("{\"g\":1}");
      m.cache().invalidateForEveryone("stats");
      assertThat(request(m, globex, "", "{\"g\":3}", new java.util.ArrayList<>())).isEqualTo("{\"g\":3}");
      // counted: 4 misses, each stored, and 1 hit
      assertThat(m.metrics().cacheMisses()).isEqualTo(4);
      assertThat(m.metrics().cacheStores()).isEqualTo(4);
      assertThat(m.metrics().cacheHits()).isEqualTo(1);
    }
  }

  @Test
  void theOperatorInvalidatesATagThroughTheManagementApiAndNobodyElseCan() throws Exception {
    String operator = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE,
        new java.security.SecureRandom());
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).operatorKey(operator).auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      IssuedKey acme = customer(m, "acme");
      request(m, acme, "", "{\"v\":1}", new java.util.ArrayList<>());
      java.util.function.BiFunction<String, String, dev.monetize.management.ManagementApi.Response> post =
          (secret, body) -> m.managementApi().handle(new dev.monetize.management.ManagementApi.Request("POST",
              "/monetize/cache/invalidate", java.util.Map.of(), java.util.Optional.of("Bearer " + secret),
              java.util.Optional.empty(), body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
      assertThat(post.apply(acme.secret(), "{\"tag\":\"stats\",\"customer_id\":\"acme\"}").status()).isEqualTo(403);
      assertThat(request(m, acme, "", "{\"v\":2}", new java.util.ArrayList<>())).isEqualTo("{\"v\":1}");
      assertThat(post.apply(operator, "{\"tag\":\"stats\",\"customer_id\":\"nobody\"}").status()).isEqualTo(404);
      assertThat(post.apply(operator, "{\"tag\":\"Stats!\"}").status()).isEqualTo(400);
      assertThat(post.apply(operator, "{\"tag\":\"stats\",\"customer_id\":\"a\\u0000b\"}").status()).isEqualTo(400);
      assertThat(post.apply(operator, "{\"tag\":\"stats\",\"colour\":1}").status()).isEqualTo(400);
      var ok = post.apply(operator, "{\"tag\":\"stats\",\"customer_id\":\"acme\"}");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(new String(ok.body(), StandardCharsets.UTF_8)).contains("\"invalidated\":true");
      assertThat(request(m, acme, "", "{\"v\":3}", new java.util.ArrayList<>())).isEqualTo("{\"v\":3}");
      assertThat(post.apply(operator, "{\"tag\":\"stats\"}").status()).isEqualTo(200); // every organization
      assertThat(request(m, acme, "", "{\"v\":4}", new java.util.ArrayList<>())).isEqualTo("{\"v\":4}");
    }
  }

  @Test
  void onlyOkAnswersAreStoredUncachedOperationsAreUntouchedAndEtagsAnswer304() {
    try (Monetize m = monetize(1_000)) {
      IssuedKey acme = customer(m, "acme");
      Admission failing = admit(m, summary, acme, "GET");
      CacheLookup c = failing.cache(null, null, null);
      assertThat(c.storing()).isTrue();
      c.store(500, "application/problem+json", new byte[0]);
      failing.complete(500, 0);
      Admission next = admit(m, summary, acme, "GET");
      CacheLookup again = next.cache(null, null, null);
      assertThat(again.hit()).isEmpty();
      assertThat(again.storing()).isTrue(); // a leader that never stores lands when its admission completes
      next.complete(200, 0);
      assertThat(admit(m, summary, acme, "GET").cache(null, null, null).storing()).isTrue();
      Admission plain = admit(m, live, acme, "GET");
      assertThat(plain.cache(null, null, null).storing()).isFalse();
      assertThat(plain.cache(null, null, null).headers()).isEmpty();
      CachedResponse r = CachedResponse.of("op", 200, "application/json", new byte[] {1}, Instant.EPOCH);
      assertThat(CacheLookup.notModified(r.etag(), r)).isTrue();
      assertThat(CacheLookup.notModified("\"other\", " + r.etag(), r)).isTrue();
      assertThat(CacheLookup.notModified("W/" + r.etag(), r)).isTrue();
      assertThat(CacheLookup.notModified("\"other\"", r)).isFalse();
      assertThat(CacheLookup.notModified(null, r)).isFalse();
    }
  }
}
