package dev.monetize.billing.internal;

import dev.monetize.Decision;
import dev.monetize.TimeSource;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.CreditsLow;
import dev.monetize.billing.TopUp;
import dev.monetize.billing.WalletEntry;
import dev.monetize.billing.WalletService;
import dev.monetize.keys.CustomerStore;
import dev.monetize.limits.PolicyState;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WalletService}: balances live in the limiter store (where calls are charged against
 * them), entries in the billing history. Also tells the low-credits listener of each crossing once.
 */
public final class Wallets implements WalletService {
  private static final Logger LOG = LoggerFactory.getLogger(Wallets.class);

  private final CustomerStore customers;
  private final BillingHistory history;
  private final BiFunction<String, BigDecimal, BigDecimal> credits;
  private final TimeSource time;
  private final Optional<BigDecimal> lowThreshold;
  private final Consumer<CreditsLow> lowListener;
  private final Object lock = new Object();
  /**
   * Customers told of their low balance and not topped up since: once per crossing. It holds only
   * the customers whose balance is low now (a top-up above the threshold removes the entry).
   */
  private final ConcurrentHashMap<String, Boolean> lowNotified = new ConcurrentHashMap<>();

  /**
   * Wallets whose balances {@code credits} moves (customer, delta -> new balance).
   *
   * @param lowThreshold below it an admitted call's balance is low (empty: never)
   * @param lowListener told once per crossing
   */
  public Wallets(CustomerStore customers, BillingHistory history, BiFunction<String, BigDecimal, BigDecimal> credits,
      TimeSource time, Optional<BigDecimal> lowThreshold, Consumer<CreditsLow> lowListener) {
    this.customers = customers;
    this.history = history;
    this.credits = credits;
    this.time = time;
    this.lowThreshold = lowThreshold;
    this.lowListener = lowListener;
  }

  @Override
  public BigDecimal add(String customerId, BigDecimal amount) {
    if (amount.signum() == 0) {
      requireCustomer(customerId);
      return balance(customerId);
    }
    return topUp(customerId, amount, "wal_" + UUID.randomUUID().toString().replace("-", ""), "").entry().balanceAfter();
  }

  @Override
  public TopUp topUp(String customerId, BigDecimal amount, String entryId, String note) {
    requireCustomer(customerId);
    new WalletEntry(entryId, customerId, amount, note, time.now(), BigDecimal.ZERO); // validates
    synchronized (lock) { // top-ups are rare: one at a time in this JVM keeps check, apply, record atomic
      Optional<WalletEntry> earlier = history.walletEntry(customerId, entryId);
      if (earlier.isPresent()) {
        return new TopUp(earlier.get(), false);
      }
      BigDecimal balance = credits.apply(customerId, amount);
      WalletEntry entry = new WalletEntry(entryId, customerId, amount, note, time.now(), balance);
      WalletEntry stored = history.recordWalletEntry(entry);
      if (stored != entry) {
        // another process recorded the same id between our check and our apply: take ours back
        balance = credits.apply(customerId, amount.negate());
        noteBalance(customerId, balance);
        return new TopUp(stored, false);
      }
      noteBalance(customerId, balance);
      return new TopUp(entry, true);
    }
  }

  @Override
  public List<WalletEntry> history(String customerId, int limit) {
    requireCustomer(customerId);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    return history.walletEntries(customerId, limit);
  }

  @Override
  public BigDecimal balance(String customerId) {
    return credits.apply(customerId, BigDecimal.ZERO);
  }

  /** The prepaid balance left after an admitted call, if the call was charged to one. */
  public static Optional<BigDecimal> creditsLeft(Decision d) {
    for (PolicyState p : d.policies()) {
      if (!p.announced() && !p.violated()) {
        return Optional.of(BigDecimal.valueOf(p.remaining(), 6));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code balance} is below the low-credits threshold (never, when none is set). */
  public boolean low(BigDecimal balance) {
    return lowThreshold.isPresent() && balance.compareTo(lowThreshold.get()) < 0;
  }

  /** Whether any threshold is set (the admission path skips everything else when none is). */
  public boolean watching() {
    return lowThreshold.isPresent();
  }

  /** After an admitted call: tells the listener once when its balance crossed the threshold. */
  public void notice(Decision d) {
    Optional<BigDecimal> left = creditsLeft(d);
    if (left.isEmpty() || !low(left.get())) {
      return;
    }
    String customer = d.principal().orElseThrow().customerId();
    if (lowNotified.putIfAbsent(customer, Boolean.TRUE) == null) {
      try {
        lowListener.accept(new CreditsLow(customer, left.get(), lowThreshold.orElseThrow(), time.now()));
      } catch (RuntimeException e) {
        LOG.warn("the low-credits listener failed for customer {}: {}", customer, e.toString());
      }
    }
  }

  private void noteBalance(String customerId, BigDecimal balance) {
    if (!low(balance)) {
      lowNotified.remove(customerId); // the next crossing is news again
    }
  }

  private void requireCustomer(String customerId) {
    if (customers.find(customerId).isEmpty()) {
      throw new IllegalArgumentException("customer " + customerId + " does not exist; save it first");
    }
  }
}
