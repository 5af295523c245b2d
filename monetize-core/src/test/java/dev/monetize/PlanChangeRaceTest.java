package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Calls completing on several threads while their customer's plan moves between a postpaid plan and
 * two prepaid ones (three prices, so that errors in opposite directions cannot cancel out), on the
 * real clock, with usage delivered every 10 ms and a billing history that takes 2 ms to write (a
 * database round trip): whatever the interleaving, the wallet pays exactly the calls the invoice bills
 * as paid from credits (each call once, at the price of the plan whose part of the period bills it).
 */
class PlanChangeRaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 3;
  private static final int CHANGES = 400;

  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
  private TimeSource clock;

  private Monetize monetize() {
    return monetize(slowHistory(false));
  }

  private Monetize monetize(dev.monetize.billing.BillingHistory history) {
    Plan basic = plan("basic", 1).price("summary", Price.of("0.01", "USD", "call")).build();
    Plan payg = plan("payg", 2).prepaid(true).price("summary", Price.of("0.25", "USD", "call")).build();
    Plan bulk = plan("bulk", 3).prepaid(true).price("summary", Price.of("0.07", "USD", "call")).build();
    Catalog catalog = Catalog.builder().plan(basic).plan(payg).plan(bulk).operation(summary).build();
    // the real clock's pace, started far from a quarter hour (the meter cuts its intervals there too)
    long startNanos = System.nanoTime();
    long at = Instant.parse("2026-03-02T00:07:30Z").getEpochSecond() * 1_000_000_000L;
    clock = () -> at + (System.nanoTime() - startNanos);
    return Monetize.builder().catalog(catalog).timeSource(clock).auditSink(dev.monetize.audit.AuditSink.inMemory())
        .usageFlushInterval(Duration.ofMillis(10)).billingHistory(history).build();
  }

  /** The in-memory history, taking 2 ms to record a plan change; {@code shared}: as other nodes share a database. */
  private static dev.monetize.billing.BillingHistory slowHistory(boolean shared) {
    dev.monetize.billing.BillingHistory h = dev.monetize.billing.BillingHistory.inMemory();
    return (dev.monetize.billing.BillingHistory) java.lang.reflect.Proxy.newProxyInstance(
        PlanChangeRaceTest.class.getClassLoader(), new Class<?>[] {dev.monetize.billing.BillingHistory.class},
        (proxy, method, args) -> {
          if (method.getName().equals("shared")) {
            return shared;
          }
          if (method.getName().equals("recordPlanChange")) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
          }
          try {
            return method.invoke(h, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static Plan.Builder plan(String name, int rank) {
    return Plan.builder(name).rank(rank).rate(Rate.perSecond(10_000_000).withBurst(10_000_000))
        .quota(Quota.daily(100_000_000));
  }

  @Test
  void theWalletPaysExactlyTheCallsTheInvoiceBillsAsPaidFromCreditsWhilePlansFlip() throws Exception {
    try (Monetize m = monetize()) {
      Customer basic = new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme");
      Customer payg = new Customer("acme", "payg", BillingAnchor.of(1, ZoneOffset.UTC), "acme");
      Customer bulk = new Customer("acme", "bulk", BillingAnchor.of(1, ZoneOffset.UTC), "acme");
      List<Customer> cycle = List.of(payg, bulk, basic, bulk, payg, basic);
      m.customers().save(basic);
      IssuedKey k = m.keys().issue("acme", Set.of("*"));
      BigDecimal topUp = new BigDecimal("100000000.00");
      m.wallet().topUp("acme", topUp, "order-1", "");
      Callers callers = new Callers(m, k);
      for (int c = 0; c < CHANGES; c++) {
        m.customers().save(cycle.get(c % cycle.size()));
        callers.awaitEach(); // calls complete on every plan, and across every change
      }
      callers.stop();
      assertPaidAsBilled(m, k, topUp, CHANGES / 2);
    }
  }

  /**
   * The same across changes another node scheduled (a shared history's "now", 30 seconds on, or a
   * period's end): admission follows each from its instant on and usage is cut there, before any
   * sweep applies them to the stored customer, while calls complete on three threads.
   */
  @Test
  void theWalletPaysExactlyTheCallsTheInvoiceBillsAsPaidFromCreditsAcrossChangesComingDue() throws Exception {
    dev.monetize.billing.BillingHistory history = slowHistory(true);
    try (Monetize m = monetize(history)) {
      List<String> cycle = List.of("payg", "bulk", "basic", "bulk", "payg", "basic");
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      IssuedKey k = m.keys().issue("acme", Set.of("*"));
      BigDecimal topUp = new BigDecimal("100000000.00");
      m.wallet().topUp("acme", topUp, "order-1", "");
      Instant first = clock.now().plusMillis(200);
      int changes = 60;
      for (int c = 0; c < changes; c++) { // as the nodes that took them: 7 ms apart, off any quarter hour
        history.recordPlanChange(new dev.monetize.billing.PlanChange("acme", cycle.get(c % cycle.size()),
            first.plusMillis(7L * c)));
      }
      m.applyDuePlanChanges(); // this node's sweep sees them coming
      Callers callers = new Callers(m, k);
      Instant last = first.plusMillis(7L * changes);
      while (clock.now().isBefore(last.plusMillis(20)) && callers.failures.isEmpty()) {
        callers.awaitEach();
      }
      callers.stop();
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo(cycle.get((changes - 1) % cycle.size()));
      assertPaidAsBilled(m, k, topUp, changes / 3);
    }
  }

  /** Threads calling as fast as they can until stopped. */
  private final class Callers {
    final AtomicBoolean done = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    final List<Thread> threads = new ArrayList<>();
    final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    Callers(Monetize m, IssuedKey k) throws InterruptedException {
      CountDownLatch ready = new CountDownLatch(THREADS);
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Thread caller = new Thread(() -> {
          ready.countDown();
          int i = 0;
          try {
            while (!done.get()) {
              Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r" + thread + "-" + i++,
                  "Bearer " + k.secret(), null));
              a.complete(a.decision().admitted() ? 200 : a.decision().status(), 10);
              completed.incrementAndGet();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "caller-" + t);
        caller.start();
        threads.add(caller);
      }
      ready.await();
    }

    /** Waits until each thread could have completed one more call. */
    void awaitEach() {
      long seen = completed.get();
      while (completed.get() < seen + THREADS && failures.isEmpty()) {
        Thread.onSpinWait();
      }
    }

    void stop() throws InterruptedException {
      done.set(true);
      for (Thread caller : threads) {
        caller.join();
      }
      assertThat(failures).isEmpty();
    }
  }

  private static void assertPaidAsBilled(Monetize m, IssuedKey k, BigDecimal topUp, long atLeast) throws Exception {
    BigDecimal spent = topUp.subtract(m.wallet().balance("acme"));
      JsonNode inv = JSON.readTree(new String(m.managementApi().handle(new ManagementApi.Request("GET",
          "/monetize/invoices/draft", Map.of(), Optional.of("Bearer " + k.secret()), Optional.empty(), new byte[0],
          "10.0.0.9", "req")).body(), StandardCharsets.UTF_8));
      BigDecimal billedFromCredits = BigDecimal.ZERO;
      long prepaidCalls = 0;
      for (JsonNode line : inv.path("lines")) {
        String d = line.path("description").asText();
        if (d.startsWith("paid from credits")) {
          billedFromCredits = billedFromCredits.add(new BigDecimal(line.path("amount").asText()).negate());
        }
        if (d.startsWith("summary (calls on payg)") || d.startsWith("summary (calls on bulk)")) {
          prepaidCalls += line.path("quantity").asLong();
        }
      }
      assertThat(prepaidCalls).as("calls billed on the prepaid plans").isGreaterThan(atLeast);
      assertThat(spent).as("the wallet paid what the invoice bills as paid from credits (%s)", inv.path("lines"))
          .isEqualByComparingTo(billedFromCredits);
  }
}
