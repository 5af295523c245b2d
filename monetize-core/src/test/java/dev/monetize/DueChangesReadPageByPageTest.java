package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.config.CatalogLoader;
import dev.monetize.plans.Customer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A history that lists due changes a page at a time (as the PostgreSQL one does, each page ending at
 * a whole instant) has every page read: each customer whose change came due is on its new plan after
 * one sweep, however many pages it took and however many customers moved at one instant.
 */
class DueChangesReadPageByPageTest {
  private static final String PLANS = """
      plans:
        basic:
          rate: { count: 10, burst: 10 }
          quotas: [ { limit: 1000, window: month } ]
        pro:
          rank: 2
          rate: { count: 100, burst: 100 }
          quotas: [ { limit: 10000, window: month } ]
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      """;
  private static final Instant T0 = Instant.parse("2026-11-30T23:59:00Z");

  /** Pages of at least two due changes, each holding every change at its last instant. */
  private static final class PagedHistory extends ForwardingBillingHistory {
    final AtomicInteger pages = new AtomicInteger();

    @Override
    public List<PlanChange> changesDue(Instant after, Instant upTo) {
      pages.incrementAndGet();
      List<PlanChange> due = real.changesDue(after, upTo);
      List<PlanChange> page = new ArrayList<>();
      for (PlanChange c : due) {
        if (page.size() >= 2 && !c.since().equals(page.get(page.size() - 1).since())) {
          break;
        }
        page.add(c);
      }
      return page;
    }
  }

  @Test
  void everyPageOfDueChangesIsApplied() {
    ManualTimeSource time = ManualTimeSource.at(T0);
    PagedHistory history = new PagedHistory();
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .billingHistory(history).auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        String id = "c" + i;
        ids.add(id);
        m.customers().save(Customer.of(id, "basic"));
        // five customers move at one instant (a page longer than two), the others one second apart
        Instant at = i < 5 ? T0.plusSeconds(10) : T0.plusSeconds(10 + i);
        history.recordPlanChange(new PlanChange(id, "pro", at));
      }
      time.set(T0.plusSeconds(60));
      m.applyDuePlanChanges();
      assertThat(ids).allSatisfy(id -> assertThat(m.customers().find(id).orElseThrow().plan()).as(id).isEqualTo("pro"));
      assertThat(history.pages.get()).as("pages read").isGreaterThan(3);
    }
  }

  /** A store failing half-way through a sweep: every change stored is announced once, now or at the next sweep. */
  @Test
  void aSweepFailingHalfWayAnnouncesWhatItStored() {
    ManualTimeSource time = ManualTimeSource.at(T0);
    BillingHistory history = BillingHistory.inMemory();
    java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    dev.monetize.keys.CustomerStore store = new ForwardingCustomerStore() {
      @Override
      public void save(Customer customer) {
        if (failing.contains(customer.id())) {
          throw new IllegalStateException("the store is down");
        }
        super.save(customer);
      }
    };
    List<dev.monetize.events.LifecycleEvent> told = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .customerStore(store).billingHistory(history).eventListener(told::add)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      for (int i = 0; i < 3; i++) {
        m.customers().save(Customer.of("c" + i, "basic"));
        history.recordPlanChange(new PlanChange("c" + i, "pro", T0.plusSeconds(10)));
      }
      failing.add("c1");
      time.set(T0.plusSeconds(60));
      try {
        m.applyDuePlanChanges();
      } catch (RuntimeException expected) {
        // the store failed on c1: c0 is stored and must be announced all the same
      }
      failing.clear();
      time.set(T0.plusSeconds(70));
      m.applyDuePlanChanges();
      m.flushEvents();
      // every change announced; the one whose save failed (it may have been stored) maybe twice, under one id
      List<dev.monetize.events.LifecycleEvent> changed = told.stream()
          .filter(e -> e.type().equals(dev.monetize.events.LifecycleEvent.PLAN_CHANGED)).toList();
      assertThat(changed).extracting(dev.monetize.events.LifecycleEvent::subject).containsOnly("c0", "c1", "c2")
          .contains("c0", "c1", "c2");
      assertThat(changed.stream().map(dev.monetize.events.LifecycleEvent::id).distinct().count()).isEqualTo(3);
      assertThat(List.of("c0", "c1", "c2")).allSatisfy(id -> assertThat(m.customers().find(id).orElseThrow().plan())
          .isEqualTo("pro"));
    }
  }
}
