package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyRequest;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.management.ManagementApi;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.LimitScope;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import dev.monetize.plans.StoreOutage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas counted in this process's memory beside a usage ledger that outlives it: after a restart
 * each quota takes back what the ledger holds of its window (a daily quota of 10 spent 7 times in
 * the morning leaves 3 after a noon restart, not 10), per customer, per key, per operation and for
 * a key's own limit, each call weighted by its operation's cost; a window that began after the
 * restart counts from zero; a ledger that cannot be read refuses what fails closed until it can.
 */
class QuotaRestoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A shared ledger (what PostgreSQL is in production), readable per key or not, failing on demand. */
  private static final class Ledger implements UsageSink, UsageTotals {
    private final List<UsageRecord> records = new ArrayList<>();
    boolean perKey = true;
    int failingReads;
    int reads;
    boolean refuseDeliveries;
    /** Thrown by the next read, when set (an error, not an exception). */
    Error error;
    /** When set, the next read says it began, then hangs until released (a connection that died silently). */
    java.util.concurrent.CountDownLatch hang;
    final java.util.concurrent.CountDownLatch hanging = new java.util.concurrent.CountDownLatch(1);

    @Override
    public synchronized void accept(List<UsageRecord> batch) {
      if (refuseDeliveries) {
        throw new IllegalStateException("the ledger is down");
      }
      records.addAll(batch);
    }

    private UsageTotals read() {
      java.util.concurrent.CountDownLatch h;
      synchronized (this) {
        h = hang;
        hang = null;
      }
      if (h != null) {
        hanging.countDown();
        try {
          h.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return readNow();
    }

    private synchronized UsageTotals readNow() {
      reads++;
      if (error != null) {
        Error e = error;
        error = null;
        throw e;
      }
      if (failingReads > 0) {
        failingReads--;
        throw new IllegalStateException("connection refused");
      }
      return UsageTotals.of(List.copyOf(records));
    }

    @Override
    public Totals totals(String customerId, Instant from, Instant to) {
      return read().totals(customerId, from, to);
    }

    @Override
    public Optional<Map<String, Map<String, Long>>> callsPerKey(String customerId, Instant from, Instant to) {
      return perKey ? read().callsPerKey(customerId, from, to) : Optional.empty();
    }
  }

  /** How long a restart takes: the next process starts after the last record of the one before. */
  private static final java.time.Duration RESTART = java.time.Duration.ofSeconds(20);
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-10T08:00:00Z"));
  private final Ledger ledger = new Ledger();
  private final KeyStore keys = KeyStore.inMemory();
  private final CustomerStore customers = CustomerStore.inMemory();
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
  private final Operation export = Operation.builder("export", "GET", "/v1/export").cost(2).build();

  private Catalog catalog(Quota... quotas) {
    Plan.Builder plan = Plan.builder("basic").rank(1).rate(Rate.perSecond(1000).withBurst(1000));
    for (Quota q : quotas) {
      plan.quota(q);
    }
    return Catalog.builder().plan(plan.build()).operation(summary).operation(export).build();
  }

  /** An engine on the shared stores and ledger, with limits in its own memory: a process. */
  private Monetize process(Catalog catalog) {
    return process(catalog, Monetize.builder());
  }

  private Monetize process(Catalog catalog, MonetizeBuilder b) {
    return b.catalog(catalog).timeSource(time).keyStore(keys).customerStore(customers).usageSink(ledger)
        .limiterStore(LimiterStore.inMemory()).environment(KeyEnvironment.LIVE).build();
  }

  /** A first run: acme on basic with a key, which makes {@code n} calls of the summary (each admitted). */
  private IssuedKey firstRun(Catalog catalog, MonetizeBuilder b, int n) {
    try (Monetize first = process(catalog, b)) {
      first.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, key, n)).isEqualTo(n);
      return key;
    }
  }

  private static Admission call(Monetize m, Operation op, IssuedKey key) {
    return m.admit(op, ApiRequest.of(op.method(), op.pathTemplate(), "10.0.0.1", "r", "Bearer " + key.secret(), null));
  }

  /** Calls {@code n} times, each answered 200, and says how many were admitted. */
  private static int calls(Monetize m, Operation op, IssuedKey key, int n) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      Admission a = call(m, op, key);
      if (a.decision().admitted()) {
        admitted++;
        a.complete(200, 10);
      }
    }
    return admitted;
  }

  private static Optional<ErrorCode> refusal(Monetize m, Operation op, IssuedKey key) {
    return call(m, op, key).decision().error();
  }

  @Test
  void aCustomersQuotaTakesBackItsWindowsCallsWeightedByCostAfterARestart() throws Exception {
    Catalog catalog = catalog(Quota.daily(20));
    IssuedKey key;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      key = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, key, 6)).isEqualTo(6);
      assertThat(calls(first, export, key, 1)).isEqualTo(1); // cost 2: 8 of 20 used
    }
    time.set(Instant.parse("2026-03-10T12:00:00Z"));
    try (Monetize second = process(catalog)) {
      JsonNode daily = limit(usage(second, key), "daily");
      assertThat(daily.path("remaining").asLong()).as(daily.toString()).isEqualTo(12); // the report restores first
      assertThat(calls(second, summary, key, 15)).isEqualTo(12);
      assertThat(refusal(second, summary, key)).contains(ErrorCode.QUOTA_EXHAUSTED);
      time.set(Instant.parse("2026-03-11T00:00:01Z")); // the next day: a window that began after the restart
      int reads = ledger.reads;
      assertThat(calls(second, summary, key, 25)).isEqualTo(20);
      assertThat(ledger.reads).as("nothing read for a window this process counted from its start").isEqualTo(reads);
    }
  }

  @Test
  void aWindowThatBeganAfterTheLastCallsCountsFromZero() {
    Catalog catalog = catalog(Quota.daily(5));
    IssuedKey key = firstRun(catalog, Monetize.builder(), 5);
    time.set(Instant.parse("2026-03-11T09:00:00Z")); // restarted the next day: yesterday's calls do not count
    try (Monetize second = process(catalog)) {
      assertThat(calls(second, summary, key, 6)).isEqualTo(5);
    }
  }

  @Test
  void quotasPerKeyPerOperationAndAKeysOwnLimitTakeBackTheirOwnCalls() {
    Catalog catalog = catalog(Quota.of("per-key", 3, QuotaWindow.DAY).withScope(LimitScope.KEY),
        Quota.of("per-op", 4, QuotaWindow.DAY).withScope(LimitScope.OPERATION), Quota.of("monthly", 100,
            QuotaWindow.MONTH));
    IssuedKey a;
    IssuedKey b;
    IssuedKey own;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      a = first.keys().issue("acme", Set.of("*"));
      b = first.keys().issue("acme", Set.of("*"));
      own = first.keys().issue(KeyRequest.of("acme", Set.of("*")).limit("monthly", 2));
      assertThat(calls(first, summary, a, 3)).isEqualTo(3); // a: per-key used up; per-op summary 3 of 4
      assertThat(calls(first, summary, b, 1)).isEqualTo(1); // b: 1 of 3; per-op summary 4 of 4
      assertThat(calls(first, export, own, 1)).isEqualTo(1); // cost 2: own's per-key 2 of 3, its monthly 2 of 2
    }
    time.set(Instant.parse("2026-03-10T12:00:00Z"));
    try (Monetize second = process(catalog)) {
      assertThat(call(second, export, a).decision().violatedPolicies()).containsExactly("per-key");
      assertThat(call(second, summary, b).decision().violatedPolicies()).containsExactly("per-op");
      assertThat(calls(second, export, b, 5)).isEqualTo(1); // b's per-key: 2 left; per-op export: 2 of 4 left
      assertThat(call(second, summary, own).decision().violatedPolicies()).containsExactlyInAnyOrder("monthly-key",
          "per-op");
    }
  }

  @Test
  void aQuotaPerAddressCountsFromZeroTheLedgerKnowsNoAddresses() {
    Catalog catalog = catalog(Quota.of("per-ip", 3, QuotaWindow.DAY).withScope(LimitScope.IP), Quota.daily(7));
    IssuedKey key = firstRun(catalog, Monetize.builder(), 3);
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      assertThat(calls(second, summary, key, 5)).isEqualTo(3); // per-ip from zero; the daily knows 3 of 7
      assertThat(calls(second, summary, key, 1)).isZero();
      assertThat(second.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.2", "r",
          "Bearer " + key.secret(), null)).decision().admitted()).isTrue();
      assertThat(second.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.3", "r",
          "Bearer " + key.secret(), null)).decision().violatedPolicies()).containsExactly("daily");
    }
  }

  @Test
  void aLedgerWithoutCallsPerKeyRestoresTheCustomersQuotasFromItsTotals() {
    ledger.perKey = false;
    Catalog catalog = catalog(Quota.daily(6), Quota.of("per-key", 2, QuotaWindow.DAY).withScope(LimitScope.KEY));
    IssuedKey key;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      key = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, key, 2)).isEqualTo(2);
      IssuedKey other = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, other, 2)).isEqualTo(2);
    }
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      // the key's quota counts from zero (documented), the customer's daily knows the 4 calls
      assertThat(calls(second, summary, key, 5)).isEqualTo(2);
      assertThat(refusal(second, summary, key)).contains(ErrorCode.QUOTA_EXHAUSTED);
    }
  }

  @Test
  void aLedgerThatCannotBeReadRefusesWhatFailsClosedAndRestoresOnceItCan() {
    Catalog catalog = catalog(Quota.daily(4), Quota.of("hourly", 4, QuotaWindow.HOUR).onOutage(StoreOutage.FAIL_OPEN));
    IssuedKey key = firstRun(catalog, Monetize.builder(), 3);
    ledger.failingReads = 1;
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      Admission refused = call(second, summary, key);
      assertThat(refused.decision().error()).contains(ErrorCode.STORE_UNAVAILABLE);
      assertThat(refused.decision().status()).isEqualTo(503);
      assertThat(refusal(second, summary, key)).as("read again after a second, not at once")
          .contains(ErrorCode.STORE_UNAVAILABLE);
      time.advance(java.time.Duration.ofSeconds(1));
      assertThat(calls(second, summary, key, 5)).isEqualTo(1); // read again: 3 + 1 of the daily 4 and of the hourly 4
      assertThat(call(second, summary, key).decision().violatedPolicies()).containsExactlyInAnyOrder("daily", "hourly");
    }
  }

  @Test
  void aFailedReadPausesThatCustomersRestoresForASecondFromTheFailureOnly() {
    Catalog catalog = catalog(Quota.daily(4));
    IssuedKey acme;
    IssuedKey globex;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      first.customers().save(Customer.of("globex", "basic"));
      acme = first.keys().issue("acme", Set.of("*"));
      globex = first.keys().issue("globex", Set.of("*"));
      assertThat(calls(first, summary, acme, 3)).isEqualTo(3);
      assertThat(calls(first, summary, globex, 3)).isEqualTo(3);
    }
    time.advance(RESTART);
    ledger.failingReads = 1;
    try (Monetize second = process(catalog)) {
      assertThat(refusal(second, summary, acme)).contains(ErrorCode.STORE_UNAVAILABLE);
      assertThat(calls(second, summary, globex, 3)).as("another customer is not paused").isEqualTo(1);
      time.advance(java.time.Duration.ofMillis(500));
      assertThat(refusal(second, summary, acme)).contains(ErrorCode.STORE_UNAVAILABLE); // paused: not asked
      time.advance(java.time.Duration.ofMillis(600)); // a second after the failure, whatever was refused since
      assertThat(calls(second, summary, acme, 3)).isEqualTo(1);
    }
  }

  @Test
  void aRestoreStuckOnADeadConnectionIsTakenOverAndAddsNothingWhenItEnds() throws Exception {
    Catalog catalog = catalog(Quota.daily(5));
    IssuedKey key = firstRun(catalog, Monetize.builder(), 3);
    time.advance(RESTART);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ledger.hang = release;
    try (Monetize second = process(catalog)) {
      java.util.concurrent.CompletableFuture<Optional<ErrorCode>> stuck =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> refusal(second, summary, key));
      ledger.hanging.await();
      assertThat(refusal(second, summary, key)).as("a call does not wait long on another's restore")
          .contains(ErrorCode.STORE_UNAVAILABLE);
      time.advance(java.time.Duration.ofSeconds(21));
      assertThat(calls(second, summary, key, 1)).as("taken over: 3 of 5 restored").isEqualTo(1);
      release.countDown();
      // the stuck call, taken over, adds nothing and goes on, charged as of when its restore ended (as of
      // when it arrived, 21 s before the calls after it, the rate would refuse it)
      assertThat(stuck.get()).as("admitted").isEmpty();
      assertThat(calls(second, summary, key, 3)).as("5 of 5 in all").isZero();
    }
  }

  @Test
  void aFailOpenQuotaCountsThisProcessesCallsWhileTheLedgerIsDownThenTakesTheLarger() {
    Catalog catalog = catalog(Quota.of("hourly", 10, QuotaWindow.HOUR).onOutage(StoreOutage.FAIL_OPEN));
    IssuedKey key = firstRun(catalog, Monetize.builder(), 4);
    int readsBefore = ledger.reads;
    ledger.failingReads = 1;
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      assertThat(calls(second, summary, key, 2)).isEqualTo(2); // admitted from this process's count (2 of 10)
      assertThat(ledger.reads - readsBefore).as("the second call does not ask again").isEqualTo(1);
      second.flushUsage(); // delivered: the ledger holds 6 calls this hour, this process counted 2
      time.advance(java.time.Duration.ofSeconds(1)); // past the second in which a failed read is not retried
      assertThat(calls(second, summary, key, 6)).isEqualTo(4); // 4 of the run before added, its own 2 not again
    }
  }

  @Test
  void usageThePreviousRunLeftInTheJournalIsDeliveredBeforeTheQuotasAreRestored(@TempDir Path dir) {
    Catalog catalog = catalog(Quota.daily(5));
    IssuedKey key;
    ledger.refuseDeliveries = true; // the calls stay in the journal at shutdown
    try (Monetize first = process(catalog, Monetize.builder().usageJournal(dir))) {
      first.customers().save(Customer.of("acme", "basic"));
      key = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, key, 4)).isEqualTo(4);
    }
    assertThat(ledger.records).isEmpty();
    time.advance(RESTART);
    try (Monetize second = process(catalog, Monetize.builder().usageJournal(dir))) {
      // the ledger reads, but takes no delivery yet: without the journal's 4 calls the count would be wrong
      assertThat(refusal(second, summary, key)).contains(ErrorCode.STORE_UNAVAILABLE);
      ledger.refuseDeliveries = false;
      assertThat(second.flushUsage()).isTrue();
      time.advance(java.time.Duration.ofSeconds(1));
      assertThat(calls(second, summary, key, 3)).isEqualTo(1);
    }
  }

  @Test
  void sixteenThreadsCallingAtOnceAfterARestartAreAdmittedExactlyWhatIsLeft() throws Exception {
    Catalog catalog = catalog(Quota.daily(100), Quota.of("per-key", 60, QuotaWindow.DAY).withScope(LimitScope.KEY));
    List<IssuedKey> keys = new ArrayList<>();
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      for (int i = 0; i < 4; i++) {
        keys.add(first.keys().issue("acme", Set.of("*")));
      }
      assertThat(calls(first, summary, keys.get(0), 50)).isEqualTo(50); // key 0: 10 of its 60 left; daily 50 of 100
    }
    time.advance(RESTART);
    int readsBefore = ledger.reads;
    try (Monetize second = process(catalog)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Integer>> admitted = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        IssuedKey key = keys.get(t % 4);
        admitted.add(pool.submit(() -> {
          start.await();
          return calls(second, summary, key, 10);
        }));
      }
      start.countDown();
      int total = 0;
      int first = 0;
      for (int t = 0; t < 16; t++) {
        int n = admitted.get(t).get();
        total += n;
        first += t % 4 == 0 ? n : 0;
      }
      pool.shutdown();
      assertThat(total).isEqualTo(50);
      assertThat(first).isLessThanOrEqualTo(10);
      assertThat(ledger.reads - readsBefore).as("one read per customer and window, whatever the threads and cells")
          .isEqualTo(1);
    }
  }

  @Test
  void aKeyWhoseLimitWasRaisedAboveThePlanKeepsItsCallsOffItsOrganizationsQuota() throws Exception {
    Catalog catalog = catalog(Quota.daily(10));
    IssuedKey raised;
    IssuedKey plain;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      raised = first.keys().issue(KeyRequest.of("acme", Set.of("*")).limit("daily", 50));
      plain = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, raised, 20)).isEqualTo(20); // its own 50: the organization's 10 untouched
      assertThat(calls(first, summary, plain, 3)).isEqualTo(3);
    }
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      JsonNode report = usage(second, raised); // its own daily in place of the organization's
      assertThat(limit(report, "daily").path("quota").asLong()).as(report.toString()).isEqualTo(50);
      assertThat(limit(report, "daily").path("remaining").asLong()).isEqualTo(30);
      assertThat(calls(second, summary, plain, 10)).isEqualTo(7); // 3 of 10 restored, not 23
      assertThat(calls(second, summary, raised, 40)).isEqualTo(30); // its own: 20 of 50 restored
    }
  }

  @Test
  void aKeysOwnLimitIsRestoredAfterAnotherKeyRestoredItsOrganizations() throws Exception {
    Catalog catalog = catalog(Quota.daily(10));
    IssuedKey plain;
    IssuedKey limited;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      plain = first.keys().issue("acme", Set.of("*"));
      limited = first.keys().issue(KeyRequest.of("acme", Set.of("*")).limit("daily", 3));
      assertThat(calls(first, summary, limited, 3)).isEqualTo(3);
    }
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      assertThat(calls(second, summary, plain, 1)).isEqualTo(1); // restores the organization's daily (3 of 10)
      JsonNode report = usage(second, limited); // the key's own limit is in its report, as admission applies it
      assertThat(limit(report, "daily-key").path("remaining").asLong()).as(report.toString()).isZero();
      assertThat(limit(report, "daily").path("remaining").asLong()).isEqualTo(6);
      assertThat(call(second, summary, limited).decision().violatedPolicies()).containsExactly("daily-key");
      assertThat(calls(second, summary, plain, 10)).isEqualTo(6);
    }
  }

  @Test
  void aQuotaPerOperationIsWeightedByCostWhateverTheOperationsId() {
    Operation report = Operation.builder("v1:report:own", "GET", "/v1/report").cost(2).build();
    Catalog catalog = Catalog.builder().plan(Plan.builder("basic").rank(1).rate(Rate.perSecond(1000).withBurst(1000))
        .quota(Quota.of("per-op", 6, QuotaWindow.DAY).withScope(LimitScope.OPERATION)).build())
        .operation(summary).operation(report).build();
    IssuedKey key;
    try (Monetize first = process(catalog)) {
      first.customers().save(Customer.of("acme", "basic"));
      key = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, report, key, 2)).isEqualTo(2); // 4 of its 6
    }
    time.advance(RESTART);
    try (Monetize second = process(catalog)) {
      assertThat(calls(second, report, key, 3)).isEqualTo(1);
      assertThat(calls(second, summary, key, 7)).isEqualTo(6); // another operation's count
    }
  }

  @Test
  void aLinkageErrorWhileRestoringRefusesThatCallOnlyTheNextRestores() {
    Catalog catalog = catalog(Quota.daily(5));
    IssuedKey key = firstRun(catalog, Monetize.builder(), 3);
    time.advance(RESTART);
    ledger.error = new LinkageError("a driver class failed to load");
    try (Monetize second = process(catalog)) {
      assertThat(refusal(second, summary, key)).contains(ErrorCode.STORE_UNAVAILABLE); // an error, not a 500
      time.advance(java.time.Duration.ofSeconds(1));
      assertThat(calls(second, summary, key, 5)).isEqualTo(2); // not left waiting on the failed restore
    }
  }

  @Test
  void aJournalTheLedgerKeepsRefusingIsReadPastAfterAMinute(@TempDir Path dir) {
    Catalog catalog = catalog(Quota.daily(5));
    IssuedKey key;
    ledger.refuseDeliveries = true;
    try (Monetize first = process(catalog, Monetize.builder().usageJournal(dir))) {
      first.customers().save(Customer.of("acme", "basic"));
      key = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, summary, key, 4)).isEqualTo(4);
    }
    time.advance(RESTART);
    try (Monetize second = process(catalog, Monetize.builder().usageJournal(dir))) {
      assertThat(refusal(second, summary, key)).contains(ErrorCode.STORE_UNAVAILABLE);
      time.advance(java.time.Duration.ofSeconds(30));
      assertThat(refusal(second, summary, key)).contains(ErrorCode.STORE_UNAVAILABLE);
      time.advance(java.time.Duration.ofSeconds(31)); // a minute after the start: restored without the journal
      assertThat(calls(second, summary, key, 6)).isEqualTo(5);
    }
  }

  private JsonNode usage(Monetize m, IssuedKey key) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(new ManagementApi.Request("GET", "/monetize/usage", Map.of(),
        Optional.of("Bearer " + key.secret()), Optional.empty(), new byte[0], "10.0.0.9", "req"));
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.status()).as(body).isEqualTo(200);
    return JSON.readTree(body);
  }

  private static JsonNode limit(JsonNode usage, String name) {
    for (JsonNode l : usage.path("limits")) {
      if (l.path("policy").asText().equals(name) || l.path("name").asText().equals(name)) {
        return l;
      }
    }
    throw new AssertionError("no limit " + name + " in " + usage);
  }
}
