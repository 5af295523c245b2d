package dev.monetize;

import static dev.monetize.PlanChangeFixtures.OPERATOR;
import static dev.monetize.PlanChangeFixtures.PLANS;
import static dev.monetize.PlanChangeFixtures.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A change admission follows from its instant (one scheduled for the period's end, or "now" on a
 * billing history other nodes share, which takes effect 30 seconds on) cuts usage at that very
 * instant, before the sweep applies it to the stored customer: the calls completing after it are
 * invoiced under the new plan and the wallet follows them, whichever plan admitted them; those
 * completing before it under the plan left. Before, usage was cut only where the sweep applied the
 * change (or at a quarter hour), so the calls of the seconds in between were invoiced under the
 * plan left while the wallet had paid them under the new one, or the other way round.
 */
class InFlightAtADueChangeTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-10T10:00:07Z"));

  /** An engine whose usage is delivered only when the test says so (its flusher waits an hour). */
  private Monetize monetize(BillingHistory history) {
    return Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time).operatorKey(OPERATOR)
        .billingHistory(history).usageFlushInterval(Duration.ofHours(1))
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private static BillingHistory shared() {
    return new Hooked(true);
  }

  /** A history several nodes share (or not), running a hook inside some of its calls. */
  static class Hooked extends ForwardingBillingHistory {
    final boolean shared;
    volatile Runnable onRecord;
    volatile Runnable onSecondInForceRead;
    /** Run once at the first read of the plan in force at one instant (the sweep's unlocked read). */
    volatile Runnable onFirstInForceRead;
    /** Told the number of each read of the plan in force at one instant. */
    volatile java.util.function.IntConsumer onInForceRead = n -> { };
    final java.util.concurrent.atomic.AtomicInteger allInForceReads = new java.util.concurrent.atomic.AtomicInteger();
    int inForceReads;

    Hooked(boolean shared) {
      this.shared = shared;
    }

    @Override
    public boolean shared() {
      return shared;
    }

    @Override
    public void recordPlanChange(PlanChange change) {
      Runnable r = onRecord;
      if (r != null) {
        onRecord = null;
        r.run();
      }
      super.recordPlanChange(change);
    }

    /** Run once at the next read of a range (the memory ledger's, opening or rolling an account). */
    volatile Runnable onRangeRead;

    @Override
    public java.util.List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
      if (from.equals(to)) {
        onInForceRead.accept(allInForceReads.incrementAndGet());
      }
      Runnable first = onFirstInForceRead;
      if (from.equals(to) && first != null) {
        onFirstInForceRead = null;
        first.run();
      }
      if (from.equals(to) && onSecondInForceRead != null && ++inForceReads == 2) {
        Runnable r = onSecondInForceRead;
        onSecondInForceRead = null;
        r.run();
      }
      Runnable r = onRangeRead;
      if (!from.equals(to) && r != null) {
        onRangeRead = null;
        r.run();
      }
      return super.planChanges(customerId, from, to);
    }
  }

  /** What the invoice bills as paid from credits (its negative lines), as a positive amount. */
  private BigDecimal paidFromCredits(Monetize m) throws Exception {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode line : call(m, "GET", "/monetize/invoices/draft", "customer_id=acme", null).path("lines")) {
      BigDecimal a = new BigDecimal(line.path("amount").asText("0"));
      if (a.signum() < 0) {
        sum = sum.subtract(a);
      }
    }
    return sum;
  }

  private void assertPaidAsBilled(Monetize m) throws Exception {
    BigDecimal spent = new BigDecimal("10").subtract(m.wallet().balance("acme"));
    assertThat(spent).as("the wallet paid what the invoice bills as paid from credits").isEqualByComparingTo(
        paidFromCredits(m));
  }


  private Admission admit(Monetize m, IssuedKey key, String id) {
    Operation op = m.catalog().operation("summary").orElseThrow();
    Admission a = m.admit(op, ApiRequest.of("GET", "/v1/summary", "10.0.0.1", id, "Bearer " + key.secret(), null));
    assertThat(a.decision().admitted()).isTrue();
    return a;
  }

  /** What the invoice lines say, in one string. */
  private String invoice(Monetize m) throws Exception {
    return call(m, "GET", "/monetize/invoices/draft", "customer_id=acme", null).toString();
  }

  @Test
  void aChangeMadeNowOnASharedHistoryCutsUsageAtItsInstantOnEveryNode() throws Exception {
    try (Monetize m = monetize(shared())) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      admit(m, key, "before").complete(200, 10); // 10:00:07 on basic
      time.set(Instant.parse("2026-12-10T10:00:08Z"));
      m.flushUsage(); // the meter's interval now starts at 10:00:08
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\"}"); // takes effect at 10:00:38
      time.set(Instant.parse("2026-12-10T10:00:30Z"));
      Admission across = admit(m, key, "across"); // admitted on basic, completes on payg
      time.set(Instant.parse("2026-12-10T10:00:39Z"));
      Admission after = admit(m, key, "after"); // admitted on payg: paid from the wallet
      assertThat(after.principal().orElseThrow().plan().name()).isEqualTo("payg");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.75");
      time.set(Instant.parse("2026-12-10T10:00:40Z"));
      after.complete(200, 10);
      time.set(Instant.parse("2026-12-10T10:00:41Z"));
      across.complete(200, 10);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.50"); // the invoice bills it as paid from credits
      time.set(Instant.parse("2026-12-10T10:00:42Z"));
      m.flushUsage(); // before the sweep: one interval up to the change's instant, one after
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("payg");
      String invoice = invoice(m);
      // basic: the one call before (0.01); payg: the two completed after 10:00:38, paid from the wallet
      assertThat(invoice).contains("\"amount_due\":\"0.01\"").contains("\"amount\":\"0.50\"")
          .contains("\"amount\":\"-0.50\"");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.50"); // the sweep settles nothing again
    }
  }

  @Test
  void aCallAdmittedBeforeAScheduledChangeAndCompletedAfterItIsPaidAsTheInvoiceBillsIt() throws Exception {
    time.set(Instant.parse("2026-11-30T23:59:50Z"));
    try (Monetize m = monetize(BillingHistory.inMemory())) {
      m.customers().save(Customer.of("acme", "payg"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"basic\", \"at\": \"period_end\"}");
      Admission across = admit(m, key, "across"); // 23:59:50 on payg: 0.25 from the wallet
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.75");
      time.set(Instant.parse("2026-12-01T00:00:02Z"));
      m.flushUsage(); // a delivery after the change's instant, before the call completes
      time.set(Instant.parse("2026-12-01T00:00:03Z"));
      across.complete(200, 10); // invoiced in December, on basic: its price goes back to the wallet
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("10");
      m.flushUsage();
      m.applyDuePlanChanges();
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("10");
      assertThat(invoice(m)).contains("\"amount_due\":\"0.01\"");
    }
  }

  @Test
  void changesOfTwoCustomersDueAtTwoInstantsEachCutUsageAtTheirOwn() throws Exception {
    try (Monetize m = monetize(shared())) {
      for (String id : new String[] {"acme", "globex"}) {
        m.customers().save(Customer.of(id, "basic"));
      }
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      m.wallet().topUp("globex", new BigDecimal("10"), "t1", "");
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\"}"); // at 10:00:37
      time.set(Instant.parse("2026-12-10T10:00:20Z"));
      call(m, "PATCH", "/monetize/organizations/globex", null, "{\"plan\": \"payg\"}"); // at 10:00:50
      time.set(Instant.parse("2026-12-10T10:00:36Z"));
      Admission first = admit(m, acme, "first");
      time.set(Instant.parse("2026-12-10T10:01:00Z")); // both changes came due, no delivery since 10:00:07
      first.complete(200, 10);
      m.flushUsage();
      m.applyDuePlanChanges();
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.75");
      assertThat(invoice(m)).contains("\"amount_due\":\"0.00\"").contains("\"amount\":\"-0.25\"");
    }
  }

  /**
   * The sweep applies a change it read as due while a later one comes due and is passed: the later
   * one stays the plan its calls are settled on (found in review: the earlier, applied last, replaced it).
   */
  @Test
  void aSweepApplyingAnEarlierChangeAfterALaterOneCameDueKeepsTheLaterOne() throws Exception {
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      // as the nodes that took them: payg at 10:00:37, back to basic at 10:00:50
      history.recordPlanChange(new PlanChange("acme", "payg", Instant.parse("2026-12-10T10:00:37Z")));
      history.recordPlanChange(new PlanChange("acme", "basic", Instant.parse("2026-12-10T10:00:50Z")));
      time.set(Instant.parse("2026-12-10T10:00:08Z"));
      m.applyDuePlanChanges(); // expects both
      time.set(Instant.parse("2026-12-10T10:00:38Z"));
      Admission onPayg = admit(m, key, "on-payg");
      assertThat(onPayg.principal().orElseThrow().plan().name()).isEqualTo("payg");
      time.set(Instant.parse("2026-12-10T10:00:40Z"));
      onPayg.complete(200, 10); // passes the first
      Admission[] late = new Admission[1];
      time.set(Instant.parse("2026-12-10T10:00:45Z")); // the sweep's now: the first is due, the second not
      history.onSecondInForceRead = () -> { // while the sweep applies the first, the second comes due and is passed
        time.set(Instant.parse("2026-12-10T10:00:51Z"));
        late[0] = admit(m, key, "late");
        time.set(Instant.parse("2026-12-10T10:00:51.500Z"));
        admit(m, key, "x").complete(200, 10);
      };
      m.applyDuePlanChanges();
      assertThat(late[0].principal().orElseThrow().plan().name()).isEqualTo("basic");
      time.set(Instant.parse("2026-12-10T10:00:52Z"));
      late[0].complete(200, 10); // invoiced on basic, admitted on it: nothing to settle
      time.set(Instant.parse("2026-12-10T10:01:01Z"));
      m.flushUsage();
      m.applyDuePlanChanges();
      assertPaidAsBilled(m);
    }
  }

  /**
   * A plan set on this node after a change came due and before the sweep applied it: the calls
   * recorded during its cut are settled on the plan in force (the due one), not the stored one
   * (found in review).
   */
  @Test
  void aPlanSetAfterAChangeCameDueLeavesThePlanInForce() throws Exception {
    time.set(Instant.parse("2026-11-30T23:59:50Z"));
    Hooked history = new Hooked(false);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\", \"at\": \"period_end\"}");
      time.set(Instant.parse("2026-12-01T00:00:01Z"));
      admit(m, key, "c0").complete(200, 10); // on payg, in force: passes its instant
      time.set(Instant.parse("2026-12-01T00:00:03Z"));
      Admission mid = admit(m, key, "mid");
      assertThat(mid.principal().orElseThrow().plan().name()).isEqualTo("payg");
      history.onRecord = () -> { // completes between the change's instant and its cut
        time.set(Instant.parse("2026-12-01T00:00:04Z"));
        mid.complete(200, 10);
      };
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"bulk\"}");
      time.set(Instant.parse("2026-12-01T00:00:05Z"));
      m.flushUsage();
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("bulk");
      assertPaidAsBilled(m);
    }
  }

  /**
   * On a shared history a change due within 30 seconds cannot be cancelled (another node may follow
   * it already and learn of a cancellation only after its instant), and a plan set meanwhile comes after it.
   */
  @Test
  void aChangeUnderWayOnASharedHistoryStaysAndAPlanSetMeanwhileComesAfterIt() throws Exception {
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "basic"));
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\"}"); // at 10:00:37
      time.set(Instant.parse("2026-12-10T10:00:20Z"));
      ManagementApi.Response cancel = m.managementApi().handle(ManagementApi.Request.withRawQuery("DELETE",
          "/monetize/organizations/acme/scheduled-plan-change", null, Optional.of("Bearer " + OPERATOR),
          Optional.empty(), new byte[0], "10.0.0.9", "req"));
      assertThat(cancel.status()).isEqualTo(409);
      assertThat(new String(cancel.body(), StandardCharsets.UTF_8)).contains("plan_change_under_way")
          .contains("2026-12-10T10:00:37Z");
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"basic\"}"); // back: at 10:00:50
      assertThat(history.planChanges("acme", Instant.parse("2026-12-10T10:00:20Z"), Instant.parse("2026-12-10T10:01:00Z")))
          .extracting(PlanChange::plan, c -> c.since().toString())
          .containsExactly(org.assertj.core.groups.Tuple.tuple("basic", "2026-12-10T10:00:07Z"),
              org.assertj.core.groups.Tuple.tuple("payg", "2026-12-10T10:00:37Z"),
              org.assertj.core.groups.Tuple.tuple("basic", "2026-12-10T10:00:50Z"));
      // a change at the period's end, far away, is cancelled as always
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"bulk\", \"at\": \"period_end\"}");
      call(m, "DELETE", "/monetize/organizations/acme/scheduled-plan-change", null, null);
      assertThat(history.planChanges("acme", Instant.parse("2026-12-10T10:00:20Z"), Instant.parse("2027-02-01T00:00:00Z")))
          .extracting(PlanChange::plan).containsExactly("basic", "payg", "basic");
    }
  }

  /**
   * A change this node cut at its instant and then found gone from the shared history (removed there
   * by hand, or by a node of an older version): the calls completing after this node learns of it are
   * no longer settled on it.
   */
  @Test
  void aChangeCutAndThenWithdrawnFromTheHistoryNoLongerSettlesCalls() throws Exception {
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "payg"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      history.recordPlanChange(new PlanChange("acme", "basic", Instant.parse("2026-12-10T10:00:37Z")));
      time.set(Instant.parse("2026-12-10T10:00:08Z"));
      m.applyDuePlanChanges(); // expected here
      time.set(Instant.parse("2026-12-10T10:00:30Z"));
      Admission inFlight = admit(m, key, "in-flight"); // on payg: 0.25 from the wallet
      history.real.cancelPlanChanges("acme", Instant.parse("2026-12-10T10:00:31Z")); // gone from the history
      time.set(Instant.parse("2026-12-10T10:00:38Z"));
      m.flushUsage(); // a delivery past its instant cuts usage there
      time.set(Instant.parse("2026-12-10T10:00:40Z"));
      m.applyDuePlanChanges(); // learns it is gone
      inFlight.complete(200, 10);
      m.flushUsage();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("payg");
      assertPaidAsBilled(m); // billed on payg, paid from the wallet: not given back as if on basic
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.75");
    }
  }

  /**
   * A change another node took that this node learns of only after its instant (its sweep was late):
   * a call admitted here on the plan left after that instant, and completed after the sweep, is
   * invoiced on the new plan and paid as it.
   */
  @Test
  void aChangeLearnedAfterItsInstantSettlesTheCallsAdmittedMeanwhileOnThePlanLeft() throws Exception {
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "payg"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      history.recordPlanChange(new PlanChange("acme", "basic", Instant.parse("2026-12-10T10:00:37Z"))); // elsewhere
      time.set(Instant.parse("2026-12-10T10:00:38Z"));
      Admission late = admit(m, key, "late"); // this node does not know yet: on payg, 0.25 from the wallet
      assertThat(late.principal().orElseThrow().plan().name()).isEqualTo("payg");
      time.set(Instant.parse("2026-12-10T10:00:39Z"));
      m.flushUsage();
      time.set(Instant.parse("2026-12-10T10:00:40Z"));
      m.applyDuePlanChanges(); // learns of it, 3 seconds late
      time.set(Instant.parse("2026-12-10T10:00:41Z"));
      late.complete(200, 10);
      m.flushUsage();
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("10"); // invoiced on basic: given back
      assertPaidAsBilled(m);
      assertThat(invoice(m)).contains("\"amount_due\":\"0.01\"");
    }
  }

  /**
   * Changes made "now" within one second on a shared history (a tier rule moving many customers) take
   * effect at one instant, a whole second: every node cuts its usage there once, not once per customer.
   */
  @Test
  void changesMadeNowWithinASecondShareTheirInstant() throws Exception {
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "basic"));
      m.customers().save(Customer.of("globex", "basic"));
      time.set(Instant.parse("2026-12-10T10:00:07.200Z"));
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\"}");
      time.set(Instant.parse("2026-12-10T10:00:07.900Z"));
      call(m, "PATCH", "/monetize/organizations/globex", null, "{\"plan\": \"payg\"}");
      assertThat(history.changesDue(Instant.parse("2026-12-10T10:00:08Z"), Instant.parse("2026-12-10T10:01:00Z")))
          .extracting(c -> c.since().toString()).containsExactly("2026-12-10T10:00:38Z", "2026-12-10T10:00:38Z");
    }
  }

  /**
   * The sweep learns that a change vanished from the shared history while a delivery is cutting usage
   * at it (found in the second review): the withdrawal waits for the cut and is not missed.
   */
  @Test
  void aChangeWithdrawnWhileUsageIsCutAtItNoLongerSettlesCalls() throws Exception {
    time.set(Instant.parse("2026-11-30T23:59:10Z"));
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "payg"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      admit(m, key, "nov").complete(200, 10); // opens November's ledger account: 0.25
      m.flushUsage();
      history.recordPlanChange(new PlanChange("acme", "basic", Instant.parse("2026-12-01T00:00:00Z"))); // elsewhere
      time.set(Instant.parse("2026-11-30T23:59:30Z"));
      m.applyDuePlanChanges(); // expected here
      time.set(Instant.parse("2026-11-30T23:59:50Z"));
      Admission inFlight = admit(m, key, "in-flight"); // payg: 0.25
      history.real.cancelPlanChanges("acme", Instant.parse("2026-11-30T23:59:55Z")); // gone from the history
      Thread[] sweep = new Thread[1];
      history.onRangeRead = () -> { // the ledger's roll at the cut reads the history: a sweep starts meanwhile
        time.set(Instant.parse("2026-12-01T00:00:03Z"));
        sweep[0] = new Thread(m::applyDuePlanChanges);
        sweep[0].start();
        try {
          sweep[0].join(500); // it learns of the withdrawal now, unless it waits for the cut to end
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      };
      time.set(Instant.parse("2026-12-01T00:00:02Z"));
      m.flushUsage(); // a delivery past the instant cuts usage there
      sweep[0].join();
      time.set(Instant.parse("2026-12-01T00:00:04Z"));
      inFlight.complete(200, 10);
      m.flushUsage();
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("payg");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.50"); // both billed on payg, from credits
    }
  }

  /** Scheduled for the period's end three times within its last 30 seconds: admission follows the last. */
  @Test
  void aPlanScheduledAgainAtTheSameInstantIsTheOneAdmissionFollows() throws Exception {
    time.set(Instant.parse("2026-11-30T23:59:52Z"));
    try (Monetize m = monetize(shared())) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      for (String plan : new String[] {"payg", "bulk", "payg"}) {
        call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"" + plan + "\", \"at\": \"period_end\"}");
      }
      time.set(Instant.parse("2026-12-01T00:00:01Z"));
      assertThat(admit(m, key, "x").principal().orElseThrow().plan().name()).isEqualTo("payg");
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("payg");
    }
  }

  /** A plan saved while the sweep runs, after the instant it read: the sweep's locked re-read keeps it. */
  @Test
  void aPlanSavedWhileTheSweepRunsIsNotUndoneByIt() throws Exception {
    Hooked history = new Hooked(true);
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "basic"));
      history.recordPlanChange(new PlanChange("acme", "payg", Instant.parse("2026-12-10T10:00:09Z"))); // elsewhere
      time.set(Instant.parse("2026-12-10T10:00:10Z"));
      Thread[] save = new Thread[1];
      history.onFirstInForceRead = () -> {
        time.set(Instant.parse("2026-12-10T10:00:11Z"));
        save[0] = new Thread(() -> m.customers().save(Customer.of("acme", "bulk")));
        save[0].start();
        try {
          save[0].join(); // saved before the sweep takes the registry's lock
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      };
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("bulk");
    }
  }

  /** A plan in force "since ever" in the history (a change before 1677): usage is counted all the same. */
  @Test
  void aChangeFromCenturiesAgoInTheHistoryLeavesUsageCounted() throws Exception {
    BillingHistory history = BillingHistory.inMemory();
    history.recordPlanChange(new PlanChange("acme", "basic", Instant.parse("1600-01-01T00:00:00Z"))); // imported
    try (Monetize m = monetize(history)) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      admit(m, key, "a").complete(200, 10);
      time.set(Instant.parse("2026-12-10T10:00:08Z"));
      m.flushUsage();
      assertThat(invoice(m)).contains("\"amount_due\":\"0.01\"");
    }
  }

  /**
   * A change for the period's end asked for while a "now" change is on its way on a shared history, and
   * the period ends before that one takes effect: it comes after it, at its instant, not before it
   * (where the "now" change would override it).
   */
  @Test
  void aPeriodEndChangeAskedForAfterANowChangeComesAfterIt() throws Exception {
    time.set(Instant.parse("2026-11-30T23:59:52Z"));
    try (Monetize m = monetize(shared())) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\"}"); // at 00:00:22
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"bulk\", \"at\": \"period_end\"}");
      time.set(Instant.parse("2026-12-01T00:00:30Z"));
      assertThat(admit(m, key, "x").principal().orElseThrow().plan().name()).isEqualTo("bulk");
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("bulk");
    }
  }

  /**
   * A month's first sweep that takes long (three batches here): a change another node makes "now"
   * meanwhile is followed from its instant, not from the end of the sweep.
   */
  @Test
  void aChangeMadeElsewhereDuringALongSweepIsFollowedFromItsInstant() throws Exception {
    time.set(Instant.parse("2026-11-30T23:59:00Z"));
    Hooked history = new Hooked(true);
    int moving = 2 * dev.monetize.billing.internal.PlanScheduler.EXCLUSIVE_BATCH + 50;
    try (Monetize m = monetize(history)) {
      for (int i = 0; i < moving; i++) {
        m.customers().save(Customer.of("c" + i, "basic"));
        history.recordPlanChange(new PlanChange("c" + i, "payg", Instant.parse("2026-12-01T00:00:00Z")));
      }
      m.customers().save(Customer.of("late", "basic"));
      IssuedKey key = m.keys().issue("late", Set.of("*"));
      m.wallet().topUp("late", new BigDecimal("10"), "t1", "");
      time.set(Instant.parse("2026-12-01T00:00:01Z"));
      String[] admittedOn = new String[1];
      int firstLocked = moving; // the unlocked reads come first, one per moving customer
      history.onInForceRead = n -> {
        if (n == firstLocked + 10) { // in the first batch: another node's "now" change, due in 30 seconds
          history.recordPlanChange(new PlanChange("late", "payg", Instant.parse("2026-12-01T00:00:31Z")));
        } else if (n == firstLocked + EXCLUSIVE + 10) { // in the second batch, past that instant
          time.set(Instant.parse("2026-12-01T00:00:32Z"));
          admittedOn[0] = admit(m, key, "late-call").principal().orElseThrow().plan().name();
        }
      };
      m.applyDuePlanChanges();
      assertThat(admittedOn[0]).isEqualTo("payg");
      assertThat(m.customers().find("c" + (moving - 1)).orElseThrow().plan()).isEqualTo("payg");
    }
  }

  private static final int EXCLUSIVE = dev.monetize.billing.internal.PlanScheduler.EXCLUSIVE_BATCH;
}
