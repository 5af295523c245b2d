package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.cache.CacheStatistics;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.limits.OverloadSignal;
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

/**
 * Freshness through the engine: stale-while-revalidate refreshes once, stale-if-error stands in for
 * failures, load shedding serves what the cache holds (within the customer's limits), counters per
 * operation, and the gzip form stored once.
 */
class CacheFreshnessTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary")
      .cache(CachePolicy.ttl(Duration.ofSeconds(60)).staleWhileRevalidate(Duration.ofSeconds(30))
          .staleIfError(Duration.ofSeconds(600))).build();
  private final dev.monetize.metering.InMemoryUsageSink sink = dev.monetize.metering.UsageSink.inMemory();

  private Monetize monetize(long quota, OverloadSignal overload, ResponseCache cache) {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(quota)).build();
    MonetizeBuilder b = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).usageSink(sink).auditSink(dev.monetize.audit.AuditSink.inMemory()).responseCache(cache);
    return (overload == null ? b : b.overloadSignal(overload)).build();
  }

  private Monetize monetize() {
    return monetize(1_000, null, ResponseCache.inMemory(1 << 20));
  }

  private static IssuedKey customer(Monetize m, String id) {
    m.customers().save(new Customer(id, "basic", BillingAnchor.of(1, ZoneOffset.UTC), id));
    return m.keys().issue(id, Set.of("*"));
  }

  private Admission admit(Monetize m, IssuedKey k) {
    return m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r", "Bearer " + k.secret(), null));
  }

  private static String header(List<Header> headers, String name) {
    return headers.stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
  }

  private static String text(CachedResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private void fill(Monetize m, IssuedKey k, String body) {
    Admission a = admit(m, k);
    CacheLookup c = a.cache(null, "application/json", null);
    assertThat(c.storing()).isTrue();
    c.store(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    a.complete(200, body.length());
  }

  @Test
  void aStaleEntryIsServedWhileOneRequestRefreshesIt() {
    try (Monetize m = monetize()) {
      IssuedKey acme = customer(m, "acme");
      fill(m, acme, "{\"v\":1}");
      time.set(Instant.parse("2026-03-01T00:01:10Z")); // 70 s: 10 s stale, inside the 30 s window
      Admission refresher = admit(m, acme);
      CacheLookup r = refresher.cache(null, "application/json", null);
      assertThat(r.hit().map(CacheFreshnessTest::text)).contains("{\"v\":1}");
      assertThat(r.refreshing()).isTrue();
      assertThat(header(r.headers(), "Cache-Status")).isEqualTo("monetize; fwd=stale; ttl=-10");
      assertThat(header(r.headers(), "Cache-Control"))
          .isEqualTo("private, max-age=0, stale-while-revalidate=30, stale-if-error=600");
      assertThat(header(r.headers(), "Age")).isEqualTo("70");
      // meanwhile another request is served the stale entry and does not refresh it
      Admission other = admit(m, acme);
      CacheLookup o = other.cache(null, "application/json", null);
      assertThat(o.hit().map(CacheFreshnessTest::text)).contains("{\"v\":1}");
      assertThat(o.refreshing()).isFalse();
      assertThat(o.storing()).isFalse();
      other.complete(200, 7);
      r.store(200, "application/json", "{\"v\":2}".getBytes(StandardCharsets.UTF_8)); // after answering
      refresher.complete(200, 7);
      Admission next = admit(m, acme);
      CacheLookup n = next.cache(null, "application/json", null);
      assertThat(n.hit().map(CacheFreshnessTest::text)).contains("{\"v\":2}");
      assertThat(header(n.headers(), "Cache-Status")).isEqualTo("monetize; hit");
      next.complete(200, 7);
      m.flushUsage();
      assertThat(sink.records().stream().mapToLong(x -> x.units().getOrDefault("cache_hits", 0L)).sum()).isEqualTo(3);
      CacheStatistics s = m.cache().statistics().get("summary");
      assertThat(s.staleServes()).isEqualTo(2);
      assertThat(s.hits()).isEqualTo(1);
      assertThat(s.misses()).isEqualTo(1);
      assertThat(s.stores()).isEqualTo(2);
      assertThat(s.bytesServed()).isEqualTo(21);
      assertThat(s.bytesStored()).isEqualTo(14);
      assertThat(m.metrics().cacheHits()).isEqualTo(3);
    }
  }

  @Test
  void anAdapterThatCannotAnswerFirstRefreshesInLineWithTheStaleEntryAsItsFallback() {
    try (Monetize m = monetize()) {
      IssuedKey acme = customer(m, "acme");
      fill(m, acme, "{\"v\":1}");
      time.set(Instant.parse("2026-03-01T00:01:10Z"));
      Admission a = admit(m, acme);
      CacheLookup c = a.cache(null, "application/json", null);
      c.refreshInLine();
      assertThat(c.hit()).isEmpty();
      assertThat(c.storing()).isTrue();
      assertThat(c.hasFallback()).isTrue();
      c.store(200, "application/json", "{\"v\":2}".getBytes(StandardCharsets.UTF_8));
      assertThat(header(c.headers(), "Cache-Status")).isEqualTo("monetize; fwd=stale; stored");
      a.complete(200, 7);
      m.flushUsage();
      assertThat(sink.records().stream().mapToLong(x -> x.units().getOrDefault("cache_hits", 0L)).sum()).isZero();
    }
  }

  @Test
  void aFailureIsAnsweredWithTheStaleEntryWithinTheStaleIfErrorWindowOnly() {
    try (Monetize m = monetize()) {
      IssuedKey acme = customer(m, "acme");
      fill(m, acme, "{\"v\":1}");
      time.set(Instant.parse("2026-03-01T00:02:00Z")); // 120 s: past stale-while-revalidate, inside stale-if-error
      Admission a = admit(m, acme);
      CacheLookup c = a.cache(null, "application/json", null);
      assertThat(c.hit()).isEmpty();
      assertThat(c.storing()).isTrue();
      assertThat(c.insteadOfError(404)).isEmpty(); // not a failure of the service
      assertThat(c.insteadOfError(503).map(CacheFreshnessTest::text)).contains("{\"v\":1}");
      assertThat(c.hit()).isPresent();
      assertThat(header(c.headers(), "Cache-Status")).isEqualTo("monetize; fwd=stale; fwd-status=503; ttl=-60");
      assertThat(c.storing()).isFalse();
      a.complete(200, 7);
      // the flight landed: the next request leads again
      Admission b = admit(m, acme);
      CacheLookup d = b.cache(null, "application/json", null);
      assertThat(d.storing()).isTrue();
      b.complete(500, 0);
      time.set(Instant.parse("2026-03-01T00:11:01Z")); // past 60 s + 600 s: forgotten
      Admission late = admit(m, acme);
      CacheLookup l = late.cache(null, "application/json", null);
      assertThat(l.hasFallback()).isFalse();
      assertThat(l.insteadOfError(500)).isEmpty();
      late.complete(500, 0);
      m.flushUsage();
      assertThat(sink.records().stream().mapToLong(x -> x.units().getOrDefault("cache_hits", 0L)).sum()).isEqualTo(1);
      assertThat(m.cache().statistics().get("summary").staleServes()).isEqualTo(1);
    }
  }

  @Test
  void aShedRequestIsServedWhatTheCacheHoldsWithinItsLimitsAndRefusedWithoutIt() {
    OverloadSignal always = (plans, inFlight) -> Integer.MAX_VALUE;
    ResponseCache store = ResponseCache.inMemory(1 << 20);
    // two engines share one store, as two nodes share Redis: one fills it, the other sheds everyone
    try (Monetize filler = monetize(3, null, store); Monetize m = monetize(3, always, store)) {
      IssuedKey acme = customer(filler, "acme");
      customer(m, "acme");
      IssuedKey globex = customer(m, "globex");
      IssuedKey acmeOnM = m.keys().issue("acme", Set.of("*"));
      Admission nothing = admit(m, globex);
      assertThat(nothing.cache(null, "application/json", null).hit()).isEmpty();
      assertThat(nothing.decision().status()).isEqualTo(503);
      nothing.complete(503, 0);
      fill(filler, acme, "{\"v\":1}");
      time.set(Instant.parse("2026-03-01T00:05:00Z")); // stale by 240 s, inside stale-if-error
      for (int i = 0; i < 3; i++) {
        Admission a = admit(m, acmeOnM);
        assertThat(a.decision().admitted()).isFalse();
        CacheLookup c = a.cache(null, "application/json", null);
        assertThat(c.hit().map(CacheFreshnessTest::text)).contains("{\"v\":1}");
        assertThat(a.decision().admitted()).isTrue();
        assertThat(header(c.headers(), "Cache-Status")).isEqualTo("monetize; fwd=stale; ttl=-240; detail=overloaded");
        a.complete(200, 7);
      }
      Admission fourth = admit(m, acmeOnM); // the daily quota of 3 still holds
      assertThat(fourth.cache(null, "application/json", null).hit()).isEmpty();
      assertThat(fourth.decision().status()).isEqualTo(429);
      fourth.complete(429, 0);
    }
  }

  @Test
  void evictionsAreCountedPerOperationAndTheGzipFormIsStoredOnce() {
    try (Monetize m = monetize(1_000, null, ResponseCache.inMemory(40_000))) {
      IssuedKey acme = customer(m, "acme");
      String big = "{\"rows\":[" + "{\"day\":\"2026-03-01\",\"events\":12345},".repeat(300) + "{}]}";
      for (int i = 0; i < 40; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r",
            "Bearer " + acme.secret(), null));
        CacheLookup c = a.cache("page=" + i, "application/json", "gzip");
        c.store(200, "application/json", big.getBytes(StandardCharsets.UTF_8));
        CachedResponse.Representation form = c.representation().orElseThrow();
        assertThat(form.contentEncoding()).contains("gzip");
        assertThat(form.bytes().length).isLessThan(big.length() / 5);
        assertThat(header(c.headers(), "ETag")).endsWith("--gzip\"");
        a.complete(200, form.bytes().length);
      }
      CacheStatistics s = m.cache().statistics().get("summary");
      assertThat(s.stores()).isEqualTo(40);
      assertThat(s.evictions()).isPositive();
    }
    try (Monetize m = monetize()) { // one entry, both forms
      IssuedKey acme = customer(m, "acme");
      String big = "{\"rows\":[" + "{\"day\":\"2026-03-01\",\"events\":12345},".repeat(300) + "{}]}";
      Admission first = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r",
          "Bearer " + acme.secret(), null));
      first.cache(null, "application/json", "gzip").store(200, "application/json", big.getBytes(StandardCharsets.UTF_8));
      first.complete(200, 300);
      Admission identity = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r",
          "Bearer " + acme.secret(), null));
      CacheLookup c = identity.cache(null, "application/json", null); // the same entry, another form
      assertThat(c.hit()).isPresent();
      assertThat(c.representation().orElseThrow().contentEncoding()).isEmpty();
      assertThat(new String(c.representation().orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo(big);
      assertThat(header(c.headers(), "ETag")).isEqualTo(c.hit().get().etag());
      identity.complete(200, big.length());
    }
  }
}
