package dev.monetize.testkit;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.PlanChange;
import dev.monetize.billing.WalletEntry;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Optional;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** What every {@link BillingHistory} must do; implementations extend it with their store. */
public abstract class BillingHistoryContract {
  /** For the implementation's test class. */
  protected BillingHistoryContract() {}

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  /** A history with nothing in it. */
  protected abstract BillingHistory history();

  private static WalletEntry entry(String customer, String id, String amount, int minute) {
    return new WalletEntry(id, customer, new BigDecimal(amount), "note " + id, T0.plusSeconds(60L * minute),
        new BigDecimal(amount));
  }

  @Test
  public void anEntryIdIsRecordedOnceAndTheFirstEntryIsKept() {
    BillingHistory h = history();
    WalletEntry first = entry("acme", "order-1", "10", 0);
    assertThat(h.recordWalletEntry(first)).isEqualTo(first);
    WalletEntry retry = entry("acme", "order-1", "99", 5);
    assertThat(h.recordWalletEntry(retry)).isEqualTo(first);
    assertThat(h.walletEntry("acme", "order-1")).contains(first);
    assertThat(h.walletEntry("acme", "order-2")).isEmpty();
    // the same id for another customer is another entry: tenants never share
    WalletEntry other = entry("globex", "order-1", "3.5", 1);
    assertThat(h.recordWalletEntry(other)).isEqualTo(other);
    assertThat(h.walletEntries("acme", 10)).containsExactly(first);
  }

  @Test
  public void theHistoryIsNewestFirstAndLimited() {
    BillingHistory h = history();
    List<WalletEntry> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(h.recordWalletEntry(entry("acme", "e" + i, i % 2 == 0 ? "1.000001" : "-0.5", i)));
    }
    assertThat(h.walletEntries("acme", 3)).containsExactly(all.get(4), all.get(3), all.get(2));
    assertThat(h.walletEntries("acme", 10)).hasSize(5);
    assertThat(h.walletEntries("nobody", 10)).isEmpty();
  }

  private static Invoice draft(String customer, Instant start, String fee) {
    return Invoice.of(Optional.empty(), customer, Currency.getInstance("USD"), start, start.plusSeconds(86_400 * 30),
        List.of(new Invoice.Line("plan pro fee", "pro", Invoice.Kind.FEE, Optional.empty(), Optional.empty(), 1,
            new BigDecimal(fee))));
  }

  private static String customer() {
    return "c_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  private static long sequence(Invoice i) {
    return Long.parseLong(i.number().orElseThrow().substring("INV-".length()));
  }

  @Test
  public void aFinalInvoiceIsNumberedOnceKeptAsItWasAndOnlyItsCustomerFindsIt() {
    BillingHistory h = history();
    String acme = customer();
    Invoice march = h.finalizeInvoice(draft(acme, T0, "90.00"));
    assertThat(march.number().orElseThrow()).matches("INV-\\d{6,}");
    assertThat(march.status()).isEqualTo("final");
    assertThat(march.total()).isEqualByComparingTo("90.00");
    // the same period again: the first invoice, whatever the new draft says
    assertThat(h.finalizeInvoice(draft(acme, T0, "12.00"))).isEqualTo(march);
    Invoice april = h.finalizeInvoice(draft(acme, T0.plusSeconds(86_400 * 31), "45.50"));
    assertThat(sequence(april)).isGreaterThan(sequence(march));
    assertThat(h.invoices(acme, 10)).containsExactly(april, march);
    assertThat(h.invoices(acme, 1)).containsExactly(april);
    assertThat(h.invoice(acme, march.number().orElseThrow())).contains(march);
    assertThat(h.invoice(customer(), march.number().orElseThrow())).isEmpty();
    assertThat(h.invoices(customer(), 10)).isEmpty();
  }

  @Test
  public void concurrentFinalizationsTakeNumbersWithoutGapsAndAPeriodOnce() throws Exception {
    BillingHistory h = history();
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      customers.add(customer());
    }
    ConcurrentLinkedQueue<Invoice> answers = new ConcurrentLinkedQueue<>();
    // 16 threads: two per customer, each finalizing that customer's March
    Concurrently.run(16, n -> answers.add(h.finalizeInvoice(draft(customers.get(n / 2), T0, "10.00"))));
    assertThat(answers).hasSize(16);
    List<Long> numbers = answers.stream().map(BillingHistoryContract::sequence).distinct().sorted().toList();
    assertThat(numbers).hasSize(8);
    assertThat(numbers.get(7) - numbers.get(0)).as("no gaps between %s", numbers).isEqualTo(7);
    for (String c : customers) {
      assertThat(h.invoices(c, 10)).hasSize(1);
    }
  }

  @Test
  public void concurrentRecordsOfOneIdKeepExactlyOne() throws Exception {
    BillingHistory h = history();
    ConcurrentLinkedQueue<WalletEntry> answers = new ConcurrentLinkedQueue<>();
    Concurrently.run(4, n -> answers.add(h.recordWalletEntry(entry("acme", "same", Integer.toString(n + 1), n))));
    assertThat(answers).hasSize(4);
    assertThat(answers.stream().distinct()).hasSize(1);
    assertThat(h.walletEntries("acme", 10)).containsExactly(answers.peek());
  }

  /**
   * Scheduled plan changes: a history that holds future-dated changes lists those that came due,
   * across customers, and cancels a customer's future ones without touching its past.
   */
  @Test
  public void futureChangesComeDueAcrossCustomersAndCanBeCancelled() {
    BillingHistory h = history();
    String a = "due-" + UUID.randomUUID();
    String b = "due-" + UUID.randomUUID();
    h.recordPlanChange(new PlanChange(a, "free", T0.minusSeconds(3_600)));
    h.recordPlanChange(new PlanChange(a, "pro", T0.plusSeconds(3_600)));
    h.recordPlanChange(new PlanChange(b, "basic", T0.plusSeconds(7_200)));
    assertThat(h.changesDue(T0, T0.plusSeconds(7_200)).stream().filter(c -> c.customerId().equals(a)
        || c.customerId().equals(b))).containsExactly(new PlanChange(a, "pro", T0.plusSeconds(3_600)),
            new PlanChange(b, "basic", T0.plusSeconds(7_200)));
    assertThat(h.changesDue(T0.plusSeconds(3_600), T0.plusSeconds(3_601)).stream()
        .filter(c -> c.customerId().equals(a))).isEmpty(); // (after, upTo]
    assertThat(h.cancelPlanChanges(a, T0)).isEqualTo(1);
    assertThat(h.planChanges(a, T0.minusSeconds(7_200), T0.plusSeconds(86_400)))
        .containsExactly(new PlanChange(a, "free", T0.minusSeconds(3_600)));
    assertThat(h.cancelPlanChanges(a, T0)).isZero();
  }

  /** The customers the operator's reports rate besides those with usage: a plan change before the instant. */
  @Test
  public void customersBeforeAnInstantAreThoseWithAPlanChangeBeforeIt() {
    BillingHistory h = history();
    String early = "before-a-" + UUID.randomUUID();
    String late = "before-b-" + UUID.randomUUID();
    h.recordPlanChange(new PlanChange(early, "free", T0.minusSeconds(60)));
    h.recordPlanChange(new PlanChange(early, "pro", T0.plusSeconds(60)));
    h.recordPlanChange(new PlanChange(late, "pro", T0));
    assertThat(h.customersBefore(T0, 1_000_000)).contains(early).doesNotContain(late);
    assertThat(h.customersBefore(T0.plusSeconds(1), 1_000_000)).contains(early, late);
    java.util.List<String> two = h.customersBefore(T0.plusSeconds(1), 2);
    assertThat(two).hasSizeLessThanOrEqualTo(2).isSorted();
  }

  @Test
  public void planChangesAreThePlanInForceAtTheStartThenThoseInside() {
    BillingHistory h = history();
    h.recordPlanChange(new PlanChange("acme", "free", T0.minusSeconds(86_400 * 40)));
    h.recordPlanChange(new PlanChange("acme", "basic", T0.minusSeconds(86_400)));
    h.recordPlanChange(new PlanChange("acme", "pro", T0.plusSeconds(86_400 * 10)));
    h.recordPlanChange(new PlanChange("acme", "enterprise", T0.plusSeconds(86_400 * 40)));
    h.recordPlanChange(new PlanChange("globex", "pro", T0));
    Instant end = T0.plusSeconds(86_400 * 31);
    assertThat(h.planChanges("acme", T0, end)).extracting(PlanChange::plan).containsExactly("basic", "pro");
    assertThat(h.planChanges("acme", T0.plusSeconds(86_400 * 10), end)).extracting(PlanChange::plan)
        .containsExactly("pro");
    assertThat(h.planChanges("acme", T0.minusSeconds(86_400 * 50), T0.minusSeconds(86_400 * 45))).isEmpty();
    assertThat(h.planChanges("globex", T0, end)).containsExactly(new PlanChange("globex", "pro", T0));
  }

  @Test
  public void thePlansInForceOfABatchAreEachCustomersLastChangeAtOrBeforeTheInstant() {
    BillingHistory h = history();
    h.recordPlanChange(new PlanChange("acme", "free", T0.minusSeconds(86_400)));
    h.recordPlanChange(new PlanChange("acme", "basic", T0));
    h.recordPlanChange(new PlanChange("acme", "pro", T0.plusSeconds(1)));
    h.recordPlanChange(new PlanChange("globex", "basic", T0));
    h.recordPlanChange(new PlanChange("globex", "pro", T0)); // recorded last at one instant: it holds
    h.recordPlanChange(new PlanChange("initech", "pro", T0.plusSeconds(60)));
    java.util.List<String> ids = java.util.List.of("acme", "globex", "initech", "nobody");
    java.util.Map<String, PlanChange> inForce = h.plansInForce(ids, T0);
    assertThat(inForce).containsOnlyKeys("acme", "globex");
    assertThat(inForce.get("acme")).isEqualTo(new PlanChange("acme", "basic", T0));
    assertThat(inForce.get("globex")).isEqualTo(new PlanChange("globex", "pro", T0));
    for (String id : ids) { // the same answer as the plan in force read one customer at a time
      assertThat(java.util.Optional.ofNullable(inForce.get(id))).isEqualTo(h.planChanges(id, T0, T0).stream().findFirst());
    }
    assertThat(h.plansInForce(ids, T0.plusSeconds(60))).extractingByKey("initech").isEqualTo(
        new PlanChange("initech", "pro", T0.plusSeconds(60)));
    assertThat(h.plansInForce(java.util.List.of(), T0)).isEmpty();
  }
  @Test
  public void thePlanChangesOfABatchAreEachCustomersAsReadAlone() {
    BillingHistory h = history();
    h.recordPlanChange(new PlanChange("acme", "free", T0.minusSeconds(86_400 * 40)));
    h.recordPlanChange(new PlanChange("acme", "basic", T0));
    h.recordPlanChange(new PlanChange("acme", "pro", T0)); // recorded last at one instant: in force after it
    h.recordPlanChange(new PlanChange("acme", "enterprise", T0.plusSeconds(86_400 * 10)));
    h.recordPlanChange(new PlanChange("globex", "pro", T0.plusSeconds(86_400 * 40)));
    h.recordPlanChange(new PlanChange("initech", "basic", T0.minusSeconds(1)));
    java.util.List<String> ids = java.util.List.of("acme", "globex", "initech", "nobody");
    for (Instant[] r : java.util.List.of(new Instant[] {T0, T0.plusSeconds(86_400 * 31)},
        new Instant[] {T0.minusSeconds(86_400 * 60), T0.plusSeconds(86_400 * 60)}, new Instant[] {T0, T0},
        new Instant[] {T0.minusSeconds(86_400 * 50), T0.minusSeconds(86_400 * 45)})) {
      java.util.Map<String, java.util.List<PlanChange>> batch = h.planChanges(ids, r[0], r[1]);
      for (String id : ids) {
        java.util.List<PlanChange> alone = h.planChanges(id, r[0], r[1]);
        assertThat(batch.getOrDefault(id, java.util.List.of())).as("%s in [%s, %s)", id, r[0], r[1])
            .isEqualTo(alone);
        assertThat(batch.containsKey(id)).isEqualTo(!alone.isEmpty());
      }
    }
    assertThat(h.planChanges(ids, T0, T0.plusSeconds(86_400 * 31)).get("acme")).extracting(PlanChange::plan)
        .containsExactly("pro", "enterprise");
    assertThat(h.planChanges(java.util.List.of(), T0, T0.plusSeconds(1))).isEmpty();
  }
}
