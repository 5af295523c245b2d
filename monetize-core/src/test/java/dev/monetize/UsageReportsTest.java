package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.AccountReports;
import dev.monetize.keys.IssuedKey;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One usage counter: reports and invoices read the aggregation the meter delivered, never a second count. */
class UsageReportsTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-05T00:00:00Z"));
  private final Operation stats = Operation.builder("stats", "GET", "/v1/stats").build();
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("pro").rate(Rate.perSecond(100_000).withBurst(100_000))
          .quota(Quota.daily(10_000_000)).build()).operation(stats).build();

  /** A sink without totals that keeps what it took, and can be told to refuse. */
  static class Capturing implements UsageSink {
    final List<UsageRecord> records = new CopyOnWriteArrayList<>();
    final AtomicBoolean refusing = new AtomicBoolean();

    @Override
    public void accept(List<UsageRecord> batch) {
      if (refusing.get()) {
        throw new IllegalStateException("sink down");
      }
      records.addAll(batch);
    }

    long calls() {
      return records.stream().mapToLong(UsageRecord::calls).sum();
    }
  }

  /** A sink keeping totals of its own, as a shared ledger does. */
  static final class Ledger extends Capturing implements UsageTotals {
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public Totals totals(String customerId, Instant from, Instant to) {
      asked.incrementAndGet();
      Map<String, Long> byOperation = new TreeMap<>();
      long calls = 0;
      for (UsageRecord r : records) {
        if (r.customerId().equals(customerId) && !r.from().isBefore(from) && r.from().isBefore(to)) {
          byOperation.merge(r.operationId(), r.calls(), Long::sum);
          calls += r.calls();
        }
      }
      return new Totals(calls, 0, 0, 0, 0, byOperation);
    }
  }

  private Monetize monetize(UsageSink sink) {
    return Monetize.builder().catalog(catalog).timeSource(time).usageSink(sink)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private Principal calls(Monetize m, IssuedKey k, int n) {
    Principal p = null;
    for (int i = 0; i < n; i++) {
      Admission a = m.admit(stats, ApiRequest.of("GET", "/v1/stats", "10.0.0.1", "r" + i, "Bearer " + k.secret(), null));
      assertThat(a.decision().admitted()).isTrue();
      a.complete(200, 10);
      p = a.decision().principal().orElseThrow();
    }
    return p;
  }

  private static IssuedKey key(Monetize m, String customer) {
    m.customers().save(new Customer(customer, "pro", BillingAnchor.of(1, ZoneOffset.UTC), customer));
    return m.keys().issue(customer, Set.of("*"));
  }

  @Test
  void aReportDeliversWhatIsPendingThenCountsExactlyWhatTheSinkReceived() {
    Capturing sink = new Capturing();
    try (Monetize m = monetize(sink)) {
      IssuedKey acme = key(m, "acme");
      calls(m, key(m, "globex"), 4);
      Principal p = calls(m, acme, 7);
      AccountReports.UsageReport report = m.reports().usage(p);
      assertThat(report.requests()).isEqualTo(7);
      assertThat(report.byOperation()).isEqualTo(Map.of("stats", 7L));
      assertThat(sink.calls()).isEqualTo(11); // the report's numbers are the delivered records'
      calls(m, acme, 3);
      assertThat(m.reports().usage(p).requests()).isEqualTo(10);
      assertThat(sink.calls()).isEqualTo(14);
    }
  }

  @Test
  void whileTheSinkRefusesAReportShowsWhatWasDeliveredAndCatchesUpAfter() {
    Capturing sink = new Capturing();
    try (Monetize m = monetize(sink)) {
      IssuedKey acme = key(m, "acme");
      Principal p = calls(m, acme, 2);
      assertThat(m.reports().usage(p).requests()).isEqualTo(2);
      sink.refusing.set(true);
      calls(m, acme, 5);
      assertThat(m.reports().usage(p).requests()).isEqualTo(2); // not delivered: not counted, not lost
      sink.refusing.set(false);
      assertThat(m.flushUsage()).isTrue();
      assertThat(m.reports().usage(p).requests()).isEqualTo(7);
      assertThat(sink.calls()).isEqualTo(7);
    }
  }

  @Test
  void aSinkWithTotalsIsTheOnlyCounterReportsRead() {
    Ledger ledger = new Ledger();
    try (Monetize m = monetize(ledger)) {
      Principal p = calls(m, key(m, "acme"), 6);
      int restoring = ledger.asked.get(); // started as the day began: no window of the quotas to restore
      assertThat(restoring).isZero();
      assertThat(m.reports().usage(p).requests()).isEqualTo(6);
      assertThat(ledger.asked.get() - restoring).isEqualTo(1);
      ledger.records.clear(); // what the ledger says is what the report says
      assertThat(m.reports().usage(p).requests()).isZero();
    }
  }
}
