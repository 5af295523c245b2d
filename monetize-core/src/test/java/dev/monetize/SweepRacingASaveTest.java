package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.BillingHistory;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The background sweep of due plan changes, running while a plan change is saved (stored, not yet in
 * the billing history): it must not read the two halves apart and put the customer back on the plan
 * it left, which the history would then never bill again.
 */
class SweepRacingASaveTest {
  @Test
  void aSweepDuringASaveDoesNotPutTheCustomerBackOnThePlanItLeft() throws Exception {
    Operation op = Operation.builder("summary", "GET", "/v1/stats/summary").build();
    Catalog catalog = Catalog.builder().plan(Plan.builder("basic").rank(1).rate(dev.monetize.plans.Rate.perSecond(100)).quota(dev.monetize.plans.Quota.daily(1000)).price("summary", Price.of("0.01", "USD", "call"))
        .build()).plan(Plan.builder("pro").rank(2).rate(dev.monetize.plans.Rate.perSecond(100)).quota(dev.monetize.plans.Quota.daily(1000)).price("summary", Price.of("0.02", "USD", "call")).build())
        .operation(op).build();
    BillingHistory history = BillingHistory.inMemory();
    CountDownLatch recording = new CountDownLatch(1);
    CountDownLatch swept = new CountDownLatch(1);
    BillingHistory held = (BillingHistory) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {BillingHistory.class}, (proxy, method, args) -> {
          if (method.getName().equals("recordPlanChange")
              && ((dev.monetize.billing.PlanChange) args[0]).plan().equals("pro")) {
            recording.countDown(); // stored, not yet in the history: the sweep runs now
            swept.await(1, TimeUnit.SECONDS); // it cannot finish while the save holds the plans (then: timed out)
          }
          try {
            return method.invoke(history, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (Monetize m = Monetize.builder().catalog(catalog).billingHistory(held).build()) {
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      Thread saving = new Thread(() -> m.customers().save(new Customer("acme", "pro", BillingAnchor.of(1,
          ZoneOffset.UTC), "acme")));
      saving.start();
      assertThat(recording.await(10, TimeUnit.SECONDS)).isTrue();
      Thread sweeping = new Thread(() -> {
        m.applyDuePlanChanges();
        swept.countDown();
      });
      sweeping.start();
      saving.join(10_000);
      sweeping.join(10_000);
      assertThat(saving.isAlive() || sweeping.isAlive()).as("the save and the sweep both finished").isFalse();
      assertThat(m.customers().find("acme").orElseThrow().plan()).as("the plan saved").isEqualTo("pro");
      assertThat(history.planChanges("acme", java.time.Instant.now(), java.time.Instant.now()))
          .extracting(dev.monetize.billing.PlanChange::plan).containsExactly("pro");
    }
  }
}
