package dev.monetize.billing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory {@link BillingHistory}: one monitor per customer. */
final class InMemoryBillingHistory implements BillingHistory {
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  /** Finalizations take the next number one at a time. */
  private final Object numbers = new Object();
  private long lastNumber;

  private static final class Account {
    final Map<String, WalletEntry> entries = new LinkedHashMap<>();
    final List<PlanChange> plans = new ArrayList<>();
    /** Final invoices by period start, guarded by {@code numbers}. */
    final java.util.TreeMap<Instant, Invoice> invoices = new java.util.TreeMap<>();
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public Invoice finalizeInvoice(Invoice draft) {
    if (draft.number().isPresent()) {
      throw new IllegalArgumentException("invoice " + draft.number().get() + " is final already");
    }
    Account a = account(draft.customerId());
    synchronized (numbers) {
      Invoice earlier = a.invoices.get(draft.periodStart());
      if (earlier != null) {
        return earlier;
      }
      Invoice kept = draft.finalized(BillingHistory.number(++lastNumber));
      a.invoices.put(draft.periodStart(), kept);
      return kept;
    }
  }

  @Override
  public List<Invoice> invoices(String customerId, int limit) {
    Account a = accounts.get(customerId);
    if (a == null) {
      return List.of();
    }
    synchronized (numbers) {
      return a.invoices.descendingMap().values().stream().limit(limit).toList();
    }
  }

  @Override
  public Optional<Invoice> invoice(String customerId, String number) {
    Account a = accounts.get(customerId);
    if (a == null) {
      return Optional.empty();
    }
    synchronized (numbers) {
      return a.invoices.values().stream().filter(i -> i.number().orElseThrow().equals(number)).findFirst();
    }
  }

  private Account account(String customerId) {
    return accounts.computeIfAbsent(customerId, k -> new Account());
  }

  @Override
  public WalletEntry recordWalletEntry(WalletEntry entry) {
    Account a = account(entry.customerId());
    synchronized (a) {
      WalletEntry earlier = a.entries.putIfAbsent(entry.id(), entry);
      return earlier != null ? earlier : entry;
    }
  }

  @Override
  public Optional<WalletEntry> walletEntry(String customerId, String id) {
    Account a = accounts.get(customerId); // a read never makes an account: memory follows what was written
    if (a == null) {
      return Optional.empty();
    }
    synchronized (a) {
      return Optional.ofNullable(a.entries.get(id));
    }
  }

  @Override
  public List<WalletEntry> walletEntries(String customerId, int limit) {
    Account a = accounts.get(customerId);
    if (a == null) {
      return List.of();
    }
    synchronized (a) {
      List<WalletEntry> all = new ArrayList<>(a.entries.values());
      List<WalletEntry> out = new ArrayList<>(Math.min(limit, all.size()));
      for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
        out.add(all.get(i));
      }
      return List.copyOf(out);
    }
  }

  @Override
  public void recordPlanChange(PlanChange change) {
    Account a = account(change.customerId());
    synchronized (a) {
      int i = a.plans.size();
      while (i > 0 && a.plans.get(i - 1).since().isAfter(change.since())) {
        i--;
      }
      a.plans.add(i, change);
    }
  }

  @Override
  public List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
    Account a = accounts.get(customerId);
    if (a == null) {
      return List.of();
    }
    synchronized (a) {
      return select(a.plans, from, to);
    }
  }

  @Override
  public List<String> customersBefore(Instant before, int limit) {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    accounts.forEach((id, a) -> {
      synchronized (a) {
        if (!a.plans.isEmpty() && a.plans.get(0).since().isBefore(before)) { // oldest first
          out.add(id);
        }
      }
    });
    return out.stream().limit(limit).toList();
  }

  @Override
  public List<PlanChange> changesDue(Instant after, Instant upTo) {
    List<PlanChange> out = new ArrayList<>();
    for (Account a : accounts.values()) {
      synchronized (a) {
        for (PlanChange c : a.plans) {
          if (c.since().isAfter(after) && !c.since().isAfter(upTo)) {
            out.add(c);
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(PlanChange::since));
    return List.copyOf(out);
  }

  @Override
  public int cancelPlanChanges(String customerId, Instant after) {
    Account a = accounts.get(customerId);
    if (a == null) {
      return 0;
    }
    synchronized (a) {
      int before = a.plans.size();
      a.plans.removeIf(c -> c.since().isAfter(after));
      return before - a.plans.size();
    }
  }

  /** From changes sorted by time: the last at or before {@code from}, then those in {@code (from, to)}. */
  static List<PlanChange> select(List<PlanChange> sorted, Instant from, Instant to) {
    List<PlanChange> out = new ArrayList<>();
    PlanChange atStart = null;
    for (PlanChange c : sorted) {
      if (!c.since().isAfter(from)) {
        atStart = c;
      } else if (c.since().isBefore(to)) {
        out.add(c);
      }
    }
    if (atStart != null) {
      out.add(0, atStart);
    }
    return List.copyOf(out);
  }
}
