package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditSink;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The engine's memory follows the customers active now, not every customer ever seen: a million
 * distinct customers pass through admission, limits, metering (memory ledger included) and audit,
 * and once their windows and periods are over the heap is back where it was after the first
 * hundred thousand. The stores here keep nothing per customer, so what remains is the engine's.
 */
class HeapFollowsActiveCustomersTest {
  private static final int WARM_UP = 400_000;
  private static final int CUSTOMERS = 1_000_000;
  private static final int PER_DAY = 10_000;

  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-01-01T00:00:00Z"));
  private final Operation stats = Operation.builder("stats", "GET", "/v1/stats").build();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder audited = new LongAdder();

  /** Every id is a customer on plan pro; nothing is stored. */
  private static final class SynthesizedCustomers implements CustomerStore {
    @Override
    public Optional<Customer> find(String customerId) {
      return Optional.of(Customer.of(customerId, "pro"));
    }

    @Override
    public void save(Customer customer) {}

    @Override
    public long count() {
      return 0;
    }
  }

  /** Keeps the few most recent keys only (a key is used right after it is issued), and the regular's. */
  private static final class RecentKeys implements KeyStore {
    private final Map<String, ApiKey> byHash = lru();
    private final Map<String, ApiKey> byId = lru();
    private final Map<String, ApiKey> regular = new java.util.HashMap<>();

    private static Map<String, ApiKey> lru() {
      return new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ApiKey> eldest) {
          return size() > 16;
        }
      };
    }

    @Override
    public synchronized Optional<ApiKey> findByHash(String secretHash) {
      return Optional.ofNullable(byHash.getOrDefault(secretHash, regular.get(secretHash)));
    }

    @Override
    public synchronized Optional<ApiKey> findById(String id) {
      return Optional.ofNullable(byId.getOrDefault(id, regular.get(id)));
    }

    @Override
    public synchronized void save(ApiKey key) {
      if (key.customerId().equals("regular")) {
        regular.put(key.secretHash(), key);
        regular.put(key.id(), key);
        return;
      }
      byHash.put(key.secretHash(), key);
      byId.put(key.id(), key);
    }

    @Override
    public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
      return List.of();
    }

    @Override
    public void saveProject(Project project) {}

    @Override
    public Optional<Project> findProject(String id) {
      return Optional.empty();
    }

    @Override
    public long countProjects(String organizationId) {
      return 0;
    }
  }

  private Monetize monetize() {
    Plan pro = Plan.builder("pro").rate(Rate.perSecond(10)).quota(Quota.daily(1_000)).build();
    UsageSink sink = batch -> batch.forEach(r -> delivered.add(r.calls())); // keeps no totals: the memory ledger counts
    AuditSink audit = batch -> audited.add(batch.size());
    return Monetize.builder().catalog(Catalog.builder().plan(pro).operation(stats).build()).timeSource(time)
        .customerStore(new SynthesizedCustomers()).keyStore(new RecentKeys()).usageSink(sink).auditSink(audit)
        .usageFlushInterval(Duration.ofMillis(10)).build();
  }

  private void customers(Monetize m, int from, int count) {
    for (int i = from; i < from + count; i++) {
      String secret = m.keys().issue("c" + i, Set.of("*")).secret();
      Admission a = m.admit(stats, ApiRequest.of("GET", "/v1/stats", "10.0.0.1", "r", "Bearer " + secret, null));
      assertThat(a.decision().admitted()).as("customer %d", i).isTrue();
      a.complete(200, 10);
      if ((i + 1) % PER_DAY == 0) {
        m.flushUsage();
        time.advance(Duration.ofDays(1)); // customers come and go: ten thousand a day
      }
    }
  }

  /** Lets every window and period end, and the engine forget them. */
  private long settledHeap(Monetize m) {
    time.advance(Duration.ofDays(40));
    for (int round = 0; round < 3; round++) {
      m.flushUsage(); // an idle counter is retired after two empty drains
    }
    // a regular customer's calls run the in-memory limiter store's sweeps (a pass a second of the
    // engine's clock, in slices: the first call after each minute's advance comes late and takes
    // the slices it missed) and the memory ledger's (one per hour)
    for (int i = 0; i < 200_000; i++) {
      Admission a = m.admit(stats, ApiRequest.of("GET", "/v1/stats", "10.0.0.1", "r", "Bearer " + regular, null));
      if (a.decision().admitted()) {
        regularCalls++;
      }
      a.complete(200, 10);
      if (i % 1_000 == 0) {
        time.advance(Duration.ofMinutes(1)); // the memory ledger is swept once an hour, as it delivers
      }
      if (i % 10_000 == 0) {
        m.flushUsage();
      }
    }
    m.flushUsage();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private String regular;
  private long regularCalls;

  @Test
  void aMillionCustomersLeaveTheHeapWhereAHundredThousandLeftIt() {
    try (Monetize m = monetize()) {
      regular = m.keys().issue("regular", Set.of("*")).secret();
      customers(m, 0, WARM_UP);
      long before = settledHeap(m);
      customers(m, WARM_UP, CUSTOMERS);
      long after = settledHeap(m);
      m.flushUsage();
      assertThat(delivered.sum()).isEqualTo(WARM_UP + CUSTOMERS + regularCalls); // every call metered, once
      // under 32 bytes per customer: the smallest entry kept per customer (a map node and its key)
      // is more; without the memory ledger's sweep the growth is about 380 MB. The margin absorbs
      // what other tests of this JVM leave behind between the two measurements.
      assertThat(after - before).as("heap growth in bytes over %d more customers", CUSTOMERS)
          .isLessThan(32L * CUSTOMERS);
    }
  }
}
