package dev.monetize.billing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SPI: what billing needs to remember besides usage: the wallet entries (top-ups and deductions),
 * the plan each customer was on when, and the final invoices. The default keeps both in memory; the PostgreSQL store
 * in {@code monetize-postgres} shares them between processes and keeps them across restarts.
 *
 * <p>Implementations must be thread-safe. They are called on management requests and on invoice
 * rendering, never on the request hot path.
 */
public interface BillingHistory {
  /**
   * Records {@code entry} unless the customer already has an entry with its id; returns the
   * stored entry: {@code entry} itself, or the earlier one when the id was taken (a retried
   * top-up). Must be atomic per customer and id.
   */
  WalletEntry recordWalletEntry(WalletEntry entry);

  /** The customer's entry of that id, if any. */
  Optional<WalletEntry> walletEntry(String customerId, String id);

  /** The customer's latest {@code limit} entries, newest first. */
  List<WalletEntry> walletEntries(String customerId, int limit);

  /** Records that the customer is on {@code change.plan()} from {@code change.since()}. */
  void recordPlanChange(PlanChange change);

  /**
   * The customer's plan changes that matter for {@code [from, to)}: the last change at or before
   * {@code from} (the plan in force at the start), then every change inside, oldest first.
   */
  List<PlanChange> planChanges(String customerId, Instant from, Instant to);

  /**
   * {@link #planChanges(String, Instant, Instant) planChanges(id, from, to)} of each of
   * {@code customerIds} that has any, by customer id: what the operator's reports read for thousands
   * of customers at once. The default asks for each in turn; a store across the network overrides
   * it with one query per batch.
   */
  default java.util.Map<String, List<PlanChange>> planChanges(java.util.Collection<String> customerIds, Instant from,
      Instant to) {
    java.util.Map<String, List<PlanChange>> out = new java.util.HashMap<>();
    for (String id : customerIds) {
      List<PlanChange> changes = planChanges(id, from, to);
      if (!changes.isEmpty()) {
        out.put(id, changes);
      }
    }
    return out;
  }

  /**
   * The plan in force at {@code at} for each of {@code customerIds} that has one: the last change at
   * or before {@code at} (the first of {@link #planChanges planChanges(id, at, at)}), by customer id;
   * a customer without any is left out. What the engine's sweep of due changes reads, a batch of
   * customers at a time (at most a few hundred). The default asks {@link #planChanges} for each; a
   * store across the network overrides it with one query.
   */
  default java.util.Map<String, PlanChange> plansInForce(java.util.Collection<String> customerIds, Instant at) {
    java.util.Map<String, PlanChange> out = new java.util.HashMap<>();
    for (String id : customerIds) {
      planChanges(id, at, at).stream().findFirst().ifPresent(c -> out.put(id, c));
    }
    return out;
  }

  /**
   * The ids of customers with a plan change before {@code before} (every customer who may owe a fee
   * then, calls or none), in id order, at most {@code limit}: what the operator's reports rate
   * besides the customers with usage. The default knows none.
   */
  default List<String> customersBefore(Instant before, int limit) {
    return List.of();
  }

  /**
   * Every customer's plan changes that take effect in {@code (after, upTo]}, oldest first: how the
   * engine finds scheduled changes that have come due. A history may return them a page at a time:
   * the oldest ones, ending at a whole instant (every change at the page's last instant is in it);
   * the engine reads on after that instant until a page is empty. The default knows none (a history
   * that cannot list them cannot hold scheduled changes).
   */
  default List<PlanChange> changesDue(Instant after, Instant upTo) {
    return List.of();
  }

  /**
   * Removes {@code customerId}'s plan changes that take effect after {@code after} (a scheduled
   * change cancelled); returns how many. The default removes none.
   */
  default int cancelPlanChanges(String customerId, Instant after) {
    return 0;
  }

  /**
   * Keeps {@code draft} as the final invoice of its customer and period under the issuer's next
   * number ({@link #number}: sequential from 1, no gaps, safe when several nodes finalize at once),
   * unless that customer's period already has a final invoice: then returns that one, unchanged.
   * Final invoices are immutable.
   */
  Invoice finalizeInvoice(Invoice draft);

  /** The customer's final invoices, newest period first, at most {@code limit}. */
  List<Invoice> invoices(String customerId, int limit);

  /** The customer's final invoice of that number (another customer's number finds nothing). */
  Optional<Invoice> invoice(String customerId, String number);

  /**
   * Whether other processes share this history (a database). Invoices are then finalized only from
   * a usage ledger every process shares too (a usage sink that is a {@code UsageTotals}), never
   * from one node's memory. Default true; the in-memory history says false.
   */
  default boolean shared() {
    return true;
  }

  /** The number of the {@code sequence}th invoice an issuer finalizes: {@code INV-000042}. */
  static String number(long sequence) {
    return String.format(java.util.Locale.ROOT, "INV-%06d", sequence);
  }

  /** The in-memory default. */
  static BillingHistory inMemory() {
    return new InMemoryBillingHistory();
  }
}
