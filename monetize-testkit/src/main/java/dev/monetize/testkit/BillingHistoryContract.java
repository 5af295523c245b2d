package dev.monetize.testkit;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.billing.WalletEntry;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
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

  @Test
  public void concurrentRecordsOfOneIdKeepExactlyOne() throws Exception {
    BillingHistory h = history();
    ConcurrentLinkedQueue<WalletEntry> answers = new ConcurrentLinkedQueue<>();
    Concurrently.run(4, n -> answers.add(h.recordWalletEntry(entry("acme", "same", Integer.toString(n + 1), n))));
    assertThat(answers).hasSize(4);
    assertThat(answers.stream().distinct()).hasSize(1);
    assertThat(h.walletEntries("acme", 10)).containsExactly(answers.peek());
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
}
