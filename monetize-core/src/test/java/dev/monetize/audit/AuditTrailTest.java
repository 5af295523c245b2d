package dev.monetize.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The audit trail through the engine and the management API: each organization its own, chained, exportable. */
class AuditTrailTest {
  private final ObjectMapper json = new ObjectMapper();
  private final String operatorKey = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE,
      new java.security.SecureRandom());
  private final Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
  private final Operation export = Operation.builder("export", "GET", "/v1/export").scope("export:read").build();

  private static void call(Monetize m, Operation op, String secret) {
    Admission a = m.admit(op, ApiRequest.of("GET", op.pathTemplate(), "203.0.113.9", "r", "Bearer " + secret, null));
    a.complete(a.decision().status(), 10);
  }

  private ManagementApi.Response manage(Monetize m, String pathAndQuery, String secret) {
    String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
    String query = pathAndQuery.contains("?") ? pathAndQuery.substring(pathAndQuery.indexOf('?') + 1) : null;
    return m.managementApi().handle(ManagementApi.Request.withRawQuery("GET", path, query,
        Optional.of("Bearer " + secret), Optional.empty(), new byte[0], "10.0.0.9", "req"));
  }

  /** What the verifier finds wrong with {@code events}' chains, read back from their JSON. */
  private Optional<String> verified(java.util.List<AuditEvent> events) {
    return AuditVerifier.verify(events.stream().map(e -> {
      try {
        return json.readValue(e.json(), new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>()
            { });
      } catch (java.io.IOException x) {
        throw new IllegalStateException(x);
      }
    }).toList());
  }

  private JsonNode body(ManagementApi.Response r) throws Exception {
    return json.readTree(new String(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  void eachOrganizationReadsItsOwnChainedTrailAndTheOperatorExportsOneThatVerifies() throws Exception {
    InMemoryAuditSink store = AuditSink.inMemory();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).operation(export)
        .build()).auditSink(store).operatorKey(operatorKey).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      m.customers().save(Customer.of("globex", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      IssuedKey acmeReader = m.keys().issue("acme", Set.of("stats:read"));
      IssuedKey globex = m.keys().issue("globex", Set.of("*"));
      call(m, summary, acme.secret());
      call(m, summary, acme.secret());
      call(m, export, acmeReader.secret()); // 403 scope_denied, audited too
      call(m, summary, globex.secret());
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.events().size() >= 4);
      java.util.Map<String, String> keys = java.util.Map.of(acme.key().id(), "acme", acmeReader.key().id(), "acme",
          globex.key().id(), "globex");
      assertThat(store.events()).as("each event names its own key and that key's organization")
          .allSatisfy(e -> assertThat(e.customerId()).isEqualTo(e.keyId().map(keys::get)))
          .extracting(e -> e.keyId().orElseThrow()).containsExactlyInAnyOrderElementsOf(
              java.util.List.of(acme.key().id(), acme.key().id(), acmeReader.key().id(), globex.key().id()));

      JsonNode own = body(manage(m, "/monetize/audit?limit=2", acme.secret()));
      assertThat(own.get("data")).hasSize(2);
      assertThat(own.get("data").get(0).get("customer_id").asText()).isEqualTo("acme");
      assertThat(own.get("data").get(0).get("seq").asLong()).isEqualTo(1);
      assertThat(own.get("data").get(0).get("prev_hash").asText()).isEqualTo(AuditEvent.GENESIS);
      assertThat(own.get("data").get(0).get("hash").asText()).hasSize(64);
      String next = own.get("next_cursor").asText();
      assertThat(next).as("opaque: no position that tells how many events others made").doesNotContainPattern("^[0-9]+$")
          .hasSize(22);
      JsonNode rest = body(manage(m, "/monetize/audit?limit=100&cursor=" + next, acme.secret()));
      assertThat(rest.get("data")).isNotEmpty().allSatisfy(e -> assertThat(e.get("customer_id").asText()).isEqualTo("acme"));
      assertThat(body(manage(m, "/monetize/audit?status=403", acme.secret())).get("data")).singleElement()
          .satisfies(e -> assertThat(e.get("code").asText()).isEqualTo("scope_denied"));
      assertThat(manage(m, "/monetize/audit", acmeReader.secret()).status()).isEqualTo(403); // keys:write reads it
      assertThat(manage(m, "/monetize/audit?customer_id=acme", globex.secret()).status()).isEqualTo(404);
      assertThat(manage(m, "/monetize/audit?from=yesterday", acme.secret()).status()).isEqualTo(400);
      // a range that ends before it starts is a mistake, as in the analytics reports, not an empty page
      assertThat(manage(m, "/monetize/audit?from=2026-12-10T00:00:00Z&to=2026-12-01T00:00:00Z", acme.secret())
          .status()).isEqualTo(400);
      assertThat(manage(m, "/monetize/audit?from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z", acme.secret())
          .status()).isEqualTo(200);
      assertThat(manage(m, "/monetize/audit?cursor=x", acme.secret()).status()).isEqualTo(400);
      assertThat(manage(m, "/monetize/audit?limit=0", acme.secret()).status()).isEqualTo(400);

      assertThat(manage(m, "/monetize/audit", operatorKey).status()).isEqualTo(400); // the operator names one
      JsonNode theirs = body(manage(m, "/monetize/audit?customer_id=globex", operatorKey));
      assertThat(theirs.get("data")).isNotEmpty() // each event's own customer (a query may name another: globex asked)
          .allSatisfy(e -> assertThat(e.get("customer_id").asText()).isEqualTo("globex"));
      ManagementApi.Response exported = manage(m, "/monetize/audit/export?customer_id=acme", operatorKey);
      assertThat(exported.contentType()).startsWith("application/x-ndjson");
      String lines = new String(exported.body(), StandardCharsets.UTF_8);
      assertThat(AuditVerifier.verify(new BufferedReader(new StringReader(lines)))).isEmpty();
      String tampered = lines.replaceFirst("\"status\":200", "\"status\":201");
      assertThat(AuditVerifier.verify(new BufferedReader(new StringReader(tampered)))).isPresent();
    }
  }

  /**
   * An export is built in memory: an organization runs one at a time, and the service two at once, so
   * that no caller can fill the heap with exports running side by side.
   */
  @Test
  void exportsRunOneAtATimePerOrganizationAndTwoAtOnceInAll() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
    InMemoryAuditSink kept = AuditSink.inMemory();
    AuditStore slow = new AuditStore() {
      @Override
      public void accept(java.util.List<AuditEvent> batch) {
        kept.accept(batch);
      }

      @Override
      public Page find(Query query) {
        inside.incrementAndGet();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return kept.find(query);
      }
    };
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(slow).build()) {
      IssuedKey[] keys = new IssuedKey[3];
      for (int i = 0; i < 3; i++) {
        m.customers().save(Customer.of("org" + i, "basic"));
        keys[i] = m.keys().issue("org" + i, Set.of("*"));
      }
      java.util.concurrent.Future<ManagementApi.Response> first = pool.submit(() -> manage(m, "/monetize/audit/export",
          keys[0].secret()));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inside.get() == 1);
      ManagementApi.Response again = manage(m, "/monetize/audit/export", keys[0].secret());
      assertThat(again.status()).isEqualTo(429);
      assertThat(body(again).get("code").asText()).isEqualTo("concurrency_limited");
      java.util.concurrent.Future<ManagementApi.Response> second = pool.submit(() -> manage(m,
          "/monetize/audit/export", keys[1].secret()));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inside.get() == 2);
      ManagementApi.Response third = manage(m, "/monetize/audit/export", keys[2].secret());
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.headers()).anySatisfy(h -> assertThat(h.name()).isEqualToIgnoringCase("Retry-After"));
      release.countDown();
      assertThat(first.get().status()).isEqualTo(200);
      assertThat(second.get().status()).isEqualTo(200);
      // built, not yet written: a client reading slowly still holds its slots, so the heap holds no more exports
      ManagementApi.Response whileRead = manage(m, "/monetize/audit/export", keys[0].secret());
      assertThat(whileRead.status()).isEqualTo(429);
      assertThat(body(whileRead).get("detail").asText()).contains("still being read");
      assertThat(manage(m, "/monetize/audit/export", keys[2].secret()).status()).isEqualTo(429);
      assertThat(first.get().holdsUntilSent()).isTrue();
      first.get().sent();
      first.get().sent(); // once is enough; twice frees nothing more
      second.get().sent();
      ManagementApi.Response again0 = manage(m, "/monetize/audit/export", keys[0].secret());
      assertThat(again0.status()).isEqualTo(200); // its turn again
      ManagementApi.Response again2 = manage(m, "/monetize/audit/export", keys[2].secret());
      assertThat(again2.status()).isEqualTo(200);
      ManagementApi.Response notNow = manage(m, "/monetize/audit/export", keys[1].secret());
      assertThat(notNow.status()).isEqualTo(429); // two held again, by 0 and 2: the second release freed one slot only
      again0.sent();
      again2.sent();
      assertThat(manage(m, "/monetize/audit/export", keys[1].secret()).status()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Two answers read slowly keep the service's slots at most two minutes past their hand-over: then a
   * third organization exports; each organization's own slot stays until its answer is written (it
   * never holds two answers at once).
   */
  @Test
  void answersReadSlowlyHoldTheServicesSlotsTwoMinutesAndTheirOrganizationsUntilWritten() throws Exception {
    dev.monetize.ManualTimeSource time = dev.monetize.ManualTimeSource.at(java.time.Instant.parse("2026-12-07T10:00:00Z"));
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(AuditSink.inMemory()).timeSource(time).build()) {
      IssuedKey[] keys = new IssuedKey[3];
      for (int i = 0; i < 3; i++) {
        m.customers().save(Customer.of("org" + i, "basic"));
        keys[i] = m.keys().issue("org" + i, Set.of("*"));
      }
      ManagementApi.Response first = manage(m, "/monetize/audit/export", keys[0].secret());
      ManagementApi.Response second = manage(m, "/monetize/audit/export", keys[1].secret());
      assertThat(java.util.List.of(first.status(), second.status())).containsOnly(200);
      assertThat(manage(m, "/monetize/audit/export", keys[2].secret()).status()).isEqualTo(429);
      time.advance(java.time.Duration.ofSeconds(119));
      assertThat(manage(m, "/monetize/audit/export", keys[2].secret()).status()).isEqualTo(429);
      time.advance(java.time.Duration.ofSeconds(1));
      ManagementApi.Response third = manage(m, "/monetize/audit/export", keys[2].secret());
      assertThat(third.status()).isEqualTo(200); // the readers' service slots have gone
      assertThat(manage(m, "/monetize/audit/export", keys[0].secret()).status()).isEqualTo(429); // its own stays
      first.sent();
      third.sent();
      assertThat(manage(m, "/monetize/audit/export", keys[0].secret()).status()).isEqualTo(200);
      second.sent();
    }
  }

  /**
   * An export's answer an adapter never reports sent (a custom adapter, a runtime that dropped it) lets go
   * of its slots once it is collected: the organization can export again.
   */
  @Test
  void anExportAnswerNeverReportedSentLetsGoWhenCollected() throws Exception {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(AuditSink.inMemory()).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      assertThat(manage(m, "/monetize/audit/export", acme.secret()).status()).isEqualTo(200); // dropped unsent
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        System.gc();
        ManagementApi.Response r = manage(m, "/monetize/audit/export", acme.secret());
        r.sent();
        return r.status() == 200;
      });
    }
  }

  /**
   * A valid key sending far past its limit: its first ten refusals of a minute are written on their own,
   * the rest as one counted event in its own chain (a flood of 429s does not write a row each), and the
   * chain still verifies; its admitted calls keep one event each.
   */
  @Test
  void aKnownKeyFloodingPastItsLimitLeavesItsFirstRefusalsAndACounter() throws Exception {
    InMemoryAuditSink store = AuditSink.inMemory();
    dev.monetize.ManualTimeSource time = dev.monetize.ManualTimeSource.at(java.time.Instant.parse("2026-12-01T10:00:05Z"));
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1).withBurst(5)).quota(Quota.daily(100_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(store).timeSource(time).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 1_000; i++) {
        call(m, summary, acme.secret());
      }
      m.flushAudit();
      java.util.List<AuditEvent> events = store.events();
      long admitted = events.stream().filter(e -> e.decision().equals("admitted")).count();
      assertThat(admitted).isBetween(5L, 6L); // the burst
      java.util.List<AuditEvent> refused = events.stream().filter(e -> e.decision().equals("rate_limited")).toList();
      assertThat(refused).filteredOn(e -> e.details().isEmpty()).hasSize(10);
      assertThat(refused).filteredOn(e -> !e.details().isEmpty()).singleElement().satisfies(e -> {
        assertThat(e.details()).containsEntry("aggregated", "minute").containsEntry("count", Long.toString(1_000 - admitted - 10));
        assertThat(e.customerId()).contains("acme");
        assertThat(e.keyId()).contains(acme.key().id());
        assertThat(e.status()).isEqualTo(429);
      });
      assertThat(verified(events)).isEmpty();
      // the next minute counts afresh
      time.set(java.time.Instant.parse("2026-12-01T10:01:05Z"));
      for (int i = 0; i < 20; i++) {
        call(m, summary, acme.secret());
      }
      m.flushAudit();
      assertThat(store.events().stream().filter(e -> e.time().isAfter(java.time.Instant.parse("2026-12-01T10:01:00Z"))
          && e.decision().equals("rate_limited") && e.details().isEmpty())).hasSize(10);
    }
  }

  @Test
  void aFloodOfBadCredentialsLeavesCountersNotOneEventPerRequestWhileValidTrafficKeepsEvery() throws Exception {
    InMemoryAuditSink store = AuditSink.inMemory();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(100_000).withBurst(100_000)).quota(Quota.daily(100_000))
        .build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(store).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 100_000; i++) { // from private addresses: never limited, so every one is looked at
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "10.0.0." + (i % 2), "r" + i,
            "Bearer mk_live_" + "x".repeat(30), null));
        a.complete(a.decision().status(), 0);
      }
      for (int i = 0; i < 50; i++) {
        call(m, summary, acme.secret());
      }
      m.flushAudit();
      java.util.List<AuditEvent> events = store.events();
      assertThat(events).filteredOn(e -> e.customerId().isPresent()).hasSize(50); // every admitted call
      java.util.List<AuditEvent> counted = events.stream().filter(e -> e.customerId().isEmpty()).toList();
      assertThat(counted).hasSizeBetween(2, 6); // per address and minute: a minute boundary may split them
      assertThat(counted).allSatisfy(e -> {
        assertThat(e.decision()).isEqualTo("key_invalid");
        assertThat(e.details()).containsEntry("aggregated", "minute");
      });
      assertThat(counted.stream().mapToLong(e -> Long.parseLong(e.details().get("count"))).sum()).isEqualTo(100_000);
      assertThat(verified(events)).isEmpty();
    }
  }

  /**
   * Management calls with a bad credential from one IPv6 /64, each from another address of it, are
   * counted as one client's (as the API's are, and as the shield counts clients), and charged to one
   * budget: they wrote an event per address (10,000 a minute from one /64).
   */
  @Test
  void refusedManagementCallsFromOneSlash64AreOneClients() throws Exception {
    InMemoryAuditSink store = AuditSink.inMemory();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(store).build()) {
      for (int i = 1; i <= 300; i++) {
        m.managementApi().handle(ManagementApi.Request.withRawQuery("GET", "/monetize/usage", null,
            Optional.of("Bearer mk_live_" + "x".repeat(30)), Optional.empty(), new byte[0],
            "2001:db8:5:5::" + Integer.toHexString(i), "r" + i));
      }
      m.flushAudit();
      assertThat(store.events()).filteredOn(e -> e.customerId().isEmpty()).hasSizeLessThan(20);
    }
  }

  /**
   * Published pages (the price list, the OpenAPI document) are charged to the client, every spelling
   * of its address and every address of its IPv6 /64 alike: a new address per request passed the budget.
   */
  @Test
  void publishedPagesChargeOneClientWhateverAddressItTakes() throws Exception {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .publishDocs(true).build()) {
      int refused = 0;
      for (int i = 1; i <= 80; i++) {
        refused += m.managementApi().refusePublishedPage("2001:db8:5:5::" + Integer.toHexString(i), "r" + i)
            .isPresent() ? 1 : 0;
      }
      assertThat(refused).as("one budget for the /64").isPositive();
      int spelled = 0;
      for (String spelling : java.util.List.of("198.51.100.7", "198.51.100.07", "::ffff:198.51.100.7", "::ffff:c633:6407")) {
        for (int i = 0; i < 20; i++) {
          spelled += m.managementApi().refusePublishedPage(spelling, "s").isPresent() ? 1 : 0;
        }
      }
      assertThat(spelled).as("one budget for every spelling").isPositive();
    }
  }

  @Test
  void withoutASearchableSinkTheTrailIsNotFound() throws Exception {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(batch -> { }).operatorKey(operatorKey).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      ManagementApi.Response r = manage(m, "/monetize/audit?customer_id=acme", operatorKey);
      assertThat(r.status()).isEqualTo(404);
      assertThat(body(r).get("detail").asText()).contains("no searchable audit trail");
    }
    assertThat(Map.of()).isEmpty();
  }
}
