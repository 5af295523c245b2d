package dev.monetize;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.PlanChange;
import dev.monetize.billing.WalletEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A billing history over an in-memory one, for tests that make some of its calls fail or answer otherwise. */
class ForwardingBillingHistory implements BillingHistory {
  /** The history every call goes to unless overridden. */
  final BillingHistory real = BillingHistory.inMemory();

  @Override
  public WalletEntry recordWalletEntry(WalletEntry entry) {
    return real.recordWalletEntry(entry);
  }

  @Override
  public Optional<WalletEntry> walletEntry(String customerId, String id) {
    return real.walletEntry(customerId, id);
  }

  @Override
  public List<WalletEntry> walletEntries(String customerId, int limit) {
    return real.walletEntries(customerId, limit);
  }

  @Override
  public void recordPlanChange(PlanChange change) {
    real.recordPlanChange(change);
  }

  @Override
  public List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
    return real.planChanges(customerId, from, to);
  }

  @Override
  public List<PlanChange> changesDue(Instant after, Instant upTo) {
    return real.changesDue(after, upTo);
  }

  @Override
  public int cancelPlanChanges(String customerId, Instant after) {
    return real.cancelPlanChanges(customerId, after);
  }

  @Override
  public Invoice finalizeInvoice(Invoice draft) {
    return real.finalizeInvoice(draft);
  }

  @Override
  public List<Invoice> invoices(String customerId, int limit) {
    return real.invoices(customerId, limit);
  }

  @Override
  public Optional<Invoice> invoice(String customerId, String number) {
    return real.invoice(customerId, number);
  }

  @Override
  public boolean shared() {
    return real.shared();
  }
}
