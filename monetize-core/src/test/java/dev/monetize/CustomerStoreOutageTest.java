package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.config.CatalogLoader;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.internal.CachedCustomers;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A shared customer store (PostgreSQL) is read through the key cache's TTL: admission does not ask it
 * on every call, an outage of it does not stop the keys verified in the last seconds, and a caller it
 * cannot look up meanwhile gets {@code 503 store_unavailable} with {@code Retry-After}, not a 500.
 */
class CustomerStoreOutageTest {
  private static final String PLANS = """
      plans:
        basic:
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 100000, window: month } ]
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      """;

  /** A store whose every read is counted, and that fails as a database that cannot be reached, or with a bug. */
  private static final class FlakyStore extends ForwardingCustomerStore {
    final AtomicInteger reads = new AtomicInteger();
    volatile RuntimeException failure;

    @Override
    public Optional<Customer> find(String customerId) {
      reads.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return super.find(customerId);
    }
  }

  private static RuntimeException unreachable() {
    return new IllegalStateException("PostgreSQL store: finding an organization failed (SQL state 08001)",
        new java.sql.SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
  }

  private static Admission call(Monetize m, String secret) {
    Operation op = m.catalog().operation("summary").orElseThrow();
    Admission a = m.admit(op, ApiRequest.of("GET", "/v1/summary", "10.0.0.1", "r", "Bearer " + secret, null));
    a.complete(a.decision().status(), 0);
    return a;
  }

  @Test
  void anOutageStopsOnlyCallersNotSeenInTheLastSeconds() {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-01T10:00:00Z"));
    FlakyStore store = new FlakyStore();
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .customerStore(store).auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      m.customers().save(Customer.of("globex", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      IssuedKey globex = m.keys().issue("globex", Set.of("*"));
      int before = store.reads.get();
      for (int i = 0; i < 50; i++) {
        assertThat(call(m, acme.secret()).decision().admitted()).isTrue();
      }
      assertThat(store.reads.get() - before).as("reads of the store for 50 calls").isLessThanOrEqualTo(1);

      store.failure = unreachable();
      assertThat(call(m, acme.secret()).decision().admitted()).as("a customer read a moment ago").isTrue();
      time.advance(Duration.ofSeconds(31)); // past the key cache's TTL: the key and its customer are asked again
      Admission refused = call(m, globex.secret());
      assertThat(refused.decision().error()).contains(ErrorCode.STORE_UNAVAILABLE);
      assertThat(refused.decision().status()).isEqualTo(503);
      assertThat(refused.decision().retryAfterSeconds()).isEqualTo(1);

      store.failure = new IllegalStateException("a bug in a store");
      assertThat(call(m, globex.secret()).decision().error()).contains(ErrorCode.INTERNAL);

      store.failure = null;
      assertThat(call(m, globex.secret()).decision().admitted()).as("back at once").isTrue();
    }
  }

  /**
   * A store that saved an organization and then failed to say so (a lost commit acknowledgement): the
   * creation stands, with its first plan in the billing history, rather than a 500 and a retry's 409.
   */
  @Test
  void anOrganizationTheStoreSavedBeforeFailingIsCreatedWithItsFirstPlan() throws Exception {
    ForwardingCustomerStore lostAck = new ForwardingCustomerStore() {
      @Override
      public Creation createWithin(Customer customer, long max) {
        super.createWithin(customer, max);
        throw unreachable();
      }
    };
    dev.monetize.billing.BillingHistory history = dev.monetize.billing.BillingHistory.inMemory();
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).billingHistory(history)
        .customerStore(lostAck).auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      m.customers().save(Customer.of("ops", "basic"));
      IssuedKey operator = m.keys().issueOperatorKey("ops");
      dev.monetize.management.ManagementApi.Response r = ManagementCalls.call(m, "POST", "/monetize/organizations",
          operator.secret(), "{\"id\":\"acme\",\"name\":\"Acme\",\"plan\":\"basic\"}");
      assertThat(r.status()).as(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(201);
      assertThat(m.customers().find("acme")).isPresent();
      assertThat(history.planChanges("acme", Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")))
          .singleElement().satisfies(c -> assertThat(c.plan()).isEqualTo("basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      assertThat(call(m, acme.secret()).decision().admitted()).isTrue();
    }
  }

  @Test
  void admissionSeesThisNodesChangesAtOnceAndAnotherNodesWithinTheTtl() {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-01T10:00:00Z"));
    FlakyStore shared = new FlakyStore();
    CachedCustomers here = new CachedCustomers(shared, Duration.ofSeconds(30), time);
    shared.save(Customer.of("acme", "basic"));
    assertThat(here.find("acme").orElseThrow().plan()).isEqualTo("basic");
    shared.save(Customer.of("acme", "pro"));
    here.forget("acme"); // this node stored it
    assertThat(here.find("acme").orElseThrow().plan()).isEqualTo("pro");
    shared.save(Customer.of("acme", "enterprise")); // another node's change, not told here
    assertThat(here.find("acme").orElseThrow().plan()).isEqualTo("pro");
    time.advance(Duration.ofSeconds(31));
    assertThat(here.find("acme").orElseThrow().plan()).isEqualTo("enterprise");
    assertThat(here.find("nobody")).isEmpty();
    shared.save(Customer.of("nobody", "basic")); // a customer not found is not remembered as missing
    assertThat(here.find("nobody")).isPresent();
    assertThat(new CachedCustomers(CustomerStore.inMemory(), Duration.ofSeconds(30), time).caching()).isFalse();
    assertThat(new CachedCustomers(shared, Duration.ZERO, time).caching()).isFalse();
  }

  /** A store whose first read, once it has read, waits until {@link #release} is opened. */
  private static final class FirstReadHeld extends ForwardingCustomerStore {
    final java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger reads = new AtomicInteger();

    @Override
    public Optional<Customer> find(String customerId) {
      Optional<Customer> read = super.find(customerId);
      if (reads.incrementAndGet() == 1) {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return read;
    }
  }

  /** A read that began before a change was stored and forgotten does not put the old customer back. */
  @Test
  void aReadRacingAChangeDoesNotKeepTheOldCustomer() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-01T10:00:00Z"));
    FirstReadHeld store = new FirstReadHeld();
    store.save(Customer.of("acme", "basic"));
    CachedCustomers view = new CachedCustomers(store, Duration.ofSeconds(30), time);
    Thread reader = new Thread(() -> view.find("acme"));
    reader.start();
    store.inside.await(); // the old customer is read; the change is stored and told meanwhile
    store.save(Customer.of("acme", "pro"));
    view.forget("acme");
    store.release.countDown();
    reader.join();
    assertThat(view.find("acme").orElseThrow().plan()).isEqualTo("pro");
  }

  /** A slow read that finds the customer already cached leaves the entry as it is: its time to live runs on. */
  @Test
  void aSlowReadDoesNotRestartAnotherReadsTimeToLive() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-01T10:00:00Z"));
    FirstReadHeld store = new FirstReadHeld();
    store.save(Customer.of("acme", "basic"));
    CachedCustomers view = new CachedCustomers(store, Duration.ofSeconds(30), time);
    Thread slow = new Thread(() -> view.find("acme"));
    slow.start();
    store.inside.await();
    view.find("acme"); // a quick read puts it at 10:00:00
    time.advance(Duration.ofSeconds(29));
    store.release.countDown();
    slow.join(); // the slow read ends at 10:00:29 and finds it there
    store.save(Customer.of("acme", "pro")); // another process changes it
    time.advance(Duration.ofSeconds(2));
    assertThat(view.find("acme").orElseThrow().plan()).as("30 s after the first read put it").isEqualTo("pro");
  }

  /**
   * Two processes on one store and history: an operator moving a customer on one and back on the other
   * ends where the operator left it, and the other process admits under it once its sweep has run.
   */
  @Test
  void aChangeOnOneNodeAndItsUndoOnAnotherHold() {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-01T10:00:00Z"));
    FlakyStore shared = new FlakyStore();
    dev.monetize.billing.BillingHistory history = dev.monetize.billing.BillingHistory.inMemory();
    String plans = PLANS.replace("operations:", """
          pro:
            rank: 2
            rate: { count: 5000, burst: 5000 }
            quotas: [ { limit: 100000, window: month } ]
        operations:""");
    try (Monetize a = node(plans, time, shared, history); Monetize b = node(plans, time, shared, history)) {
      a.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = a.keys().issue("acme", Set.of("*"));
      assertThat(call(b, key.secret()).decision().principal().orElseThrow().plan().name()).isEqualTo("basic");
      time.advance(Duration.ofSeconds(1));
      a.customers().save(Customer.of("acme", "pro"));
      assertThat(call(a, key.secret()).decision().principal().orElseThrow().plan().name()).isEqualTo("pro");
      time.advance(Duration.ofSeconds(1));
      b.customers().save(Customer.of("acme", "basic")); // the operator, on the other node, takes it back
      b.applyDuePlanChanges();
      a.applyDuePlanChanges();
      assertThat(shared.find("acme").orElseThrow().plan()).isEqualTo("basic");
      assertThat(call(a, key.secret()).decision().principal().orElseThrow().plan().name()).isEqualTo("basic");
      assertThat(call(b, key.secret()).decision().principal().orElseThrow().plan().name()).isEqualTo("basic");
    }
  }

  private static Monetize node(String plans, ManualTimeSource time, CustomerStore store,
      dev.monetize.billing.BillingHistory history) {
    return Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", plans)).timeSource(time).customerStore(store)
        .keyStore(SHARED_KEYS).billingHistory(history).auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private static final dev.monetize.keys.KeyStore SHARED_KEYS = dev.monetize.keys.KeyStore.inMemory();
}
