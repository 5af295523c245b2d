package dev.monetize.billing.internal;

import dev.monetize.Decision;
import dev.monetize.TimeSource;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.CreditsLow;
import dev.monetize.billing.TopUp;
import dev.monetize.billing.WalletEntry;
import dev.monetize.billing.WalletEntryRefusedException;
import dev.monetize.limits.CreditEntry;
import dev.monetize.billing.WalletService;
import dev.monetize.keys.CustomerStore;
import dev.monetize.limits.PolicyState;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Balances credits;
  private final TimeSource time;
  private final Optional<BigDecimal> lowThreshold;
  private final Consumer<CreditsLow> lowListener;
  /**
   * Customers told of their low balance and not topped up since: once per crossing. It holds only
   * the customers whose balance is low now (a top-up above the threshold removes the entry).
   */
  private final ConcurrentHashMap<String, Boolean> lowNotified = new ConcurrentHashMap<>();

  /** Where balances live: the limiter store, which charges calls against them. */
  public interface Balances {
    /** Applies {@code micros} to the customer's balance once per entry id ({@code LimiterStore#applyCredits}). */
    CreditEntry apply(String customerId, String entryId, long micros);

    /** The customer's balance in micro-units. */
    long balance(String customerId);
  }

  /**
   * Wallets whose balances {@code credits} holds.
   *
   * @param lowThreshold below it an admitted call's balance is low (empty: never)
   * @param lowListener told once per crossing
   */
  public Wallets(CustomerStore customers, BillingHistory history, Balances credits,
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

  /**
   * Applies the entry to the balance first, idempotently by its id in the balance's own store, then
   * records it in the history (idempotent by id too). A retry after any failure between the two
   * finds the balance already moved and completes the history, so balance and history agree and
   * nothing is credited twice, on any number of nodes.
   */
  @Override
  public TopUp topUp(String customerId, BigDecimal amount, String entryId, String note) {
    requireCustomer(customerId);
    WalletEntry asked = new WalletEntry(entryId, customerId, amount, note, time.now(), BigDecimal.ZERO); // validates
    long micros = asked.amount().movePointRight(6).longValueExact();
    Optional<WalletEntry> recorded = history.walletEntry(customerId, entryId); // also ids applied by older versions
    if (recorded.isPresent()) {
      if (recorded.get().amount().compareTo(asked.amount()) != 0) {
        throw conflict(entryId, recorded.get().amount());
      }
      if (!recorded.get().note().equals(asked.note())) { // one id names one entry: the same one, or a mistake
        throw new WalletEntryRefusedException(WalletEntryRefusedException.Reason.IDEMPOTENCY_CONFLICT,
            "wallet entry " + entryId + " was applied with another note; an id names one entry, so send the "
                + "same entry again, or use a new id for another");
      }
      return new TopUp(recorded.get(), false);
    }
    CreditEntry applied = credits.apply(customerId, entryId, micros);
    BigDecimal after = BigDecimal.valueOf(applied.balance(), 6);
    switch (applied.outcome()) {
      case INSUFFICIENT -> throw new WalletEntryRefusedException(WalletEntryRefusedException.Reason.INSUFFICIENT_CREDITS,
          "the balance of " + customerId + " is " + after.stripTrailingZeros().toPlainString() + ", less than the "
              + amount.negate().stripTrailingZeros().toPlainString() + " to deduct; a wallet never goes below zero");
      case REPEATED -> {
        if (applied.delta() != micros) {
          throw conflict(entryId, BigDecimal.valueOf(applied.delta(), 6));
        }
        WalletEntry stored = history.recordWalletEntry(
            new WalletEntry(entryId, customerId, amount, note, time.now(), after)); // completes an interrupted one
        return new TopUp(stored, false);
      }
      default -> {
        WalletEntry entry = new WalletEntry(entryId, customerId, amount, note, time.now(), after);
        WalletEntry stored = history.recordWalletEntry(entry);
        noteBalance(customerId, after);
        return new TopUp(stored, true);
      }
    }
  }

  private static WalletEntryRefusedException conflict(String entryId, BigDecimal first) {
    return new WalletEntryRefusedException(WalletEntryRefusedException.Reason.IDEMPOTENCY_CONFLICT,
        "wallet entry " + entryId + " was applied with the amount " + first.stripTrailingZeros().toPlainString()
            + "; an id names one entry, so use a new id for another amount");
  }

  @Override
  public Optional<WalletEntry> entry(String customerId, String entryId) {
    return history.walletEntry(customerId, entryId);
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
    return BigDecimal.valueOf(credits.balance(customerId), 6);
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
