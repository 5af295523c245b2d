package dev.monetize.postgres;

import dev.monetize.limits.CreditEntry;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepaid balances in PostgreSQL, every other limit in the store it wraps: for deployments without
 * Redis, whose in-memory limiter store would forget every balance at a restart while the wallet's
 * history (in PostgreSQL) keeps the top-ups. A balance survives restarts and is shared by every node
 * on the database; rates, quotas and concurrency stay in the wrapped store (per node in memory).
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.connect(url);
 * Monetize.builder().limiterStore(PostgresCredits.over(LimiterStore.inMemory(), db.dataSource())) ...
 * }</pre>
 *
 * <p>A prepaid call costs one conditional {@code UPDATE} (the balance never goes below zero, under any
 * concurrency). The other limits are looked at first, in memory: a call they refuse never reaches the
 * database. Then the balance is charged and the other limits charged; when one of them refuses after
 * all (its window moved in between), the price is given back at once (retried; a crash between the two
 * keeps that one price, and a give-back that keeps failing is logged at ERROR with what to credit). A
 * top-up or a deduction is applied once per entry id, on any number of nodes. The database unreachable
 * is a {@link LimiterUnavailableException} (a prepaid call fails closed: {@code 503}); any other SQL
 * error, a misconfiguration, is an {@link IllegalStateException} naming it.
 */
public final class PostgresCredits implements dev.monetize.limits.CreditsApart {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresCredits.class);
  /** The largest balance, as in every store: 2^53 - 1 micro-units (Lua's exact integers on Redis). */
  static final long MAX_CREDITS = (1L << 53) - 1;

  private final LimiterStore limits;
  private final DataSource dataSource;

  private PostgresCredits(LimiterStore limits, DataSource dataSource) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * Balances on {@code dataSource} (whose schema {@link Migrations} has created), every other limit in
   * {@code limits}.
   */
  public static PostgresCredits over(LimiterStore limits, DataSource dataSource) {
    return new PostgresCredits(limits, dataSource);
  }

  @Override
  public LimiterStore limits() {
    return limits;
  }

  @Override
  public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
    int at = creditIndex(requests);
    if (at < 0) {
      return limits.acquire(requests, nowEpochNanos);
    }
    LimitRequest credit = requests.get(at);
    List<LimitRequest> others = without(requests, at);
    if (!others.isEmpty() && wouldRefuse(others, limits.peek(others, nowEpochNanos))) {
      // refused by a limit in memory: the database is not asked (a flood past a rate never reaches it).
      // Should the window have moved since the look (admitted after all), the balance decides as below.
      LimitVerdict v = limits.acquire(others, nowEpochNanos);
      if (!v.admitted()) {
        return withCredit(v, at, state(credit, credits(credit.key()), false));
      }
      long after = charge(credit);
      if (after < 0) { // the others stay charged for this refused call: rare, and never in the caller's favour
        return withCredit(new LimitVerdict(false, v.policies(), 0), at, state(credit, credits(credit.key()), true));
      }
      return withCredit(v, at, state(credit, after, false));
    }
    long after = charge(credit);
    if (after < 0) { // the balance read apart: the refused UPDATE says nothing of it
      List<PolicyState> states = new ArrayList<>(others.isEmpty() ? List.of() : limits.peek(others, nowEpochNanos));
      states.add(at, state(credit, credits(credit.key()), true));
      return new LimitVerdict(false, states, 0);
    }
    LimitVerdict v;
    try {
      v = others.isEmpty() ? new LimitVerdict(true, List.of(), 0) : limits.acquire(others, nowEpochNanos);
    } catch (RuntimeException e) {
      giveBack(credit);
      throw e;
    }
    if (!v.admitted()) {
      giveBack(credit);
      return withCredit(v, at, state(credit, after + credit.cost(), false));
    }
    return withCredit(v, at, state(credit, after, false));
  }

  /** Whether the states looked at show a hard limit without room for its cost. */
  private static boolean wouldRefuse(List<LimitRequest> requests, List<PolicyState> states) {
    for (int i = 0; i < requests.size(); i++) {
      LimitRequest r = requests.get(i);
      if (!r.soft() && states.get(i).remaining() < r.cost()) {
        return true;
      }
    }
    return false;
  }

  private static LimitVerdict withCredit(LimitVerdict v, int at, PolicyState credit) {
    List<PolicyState> states = new ArrayList<>(v.policies());
    states.add(at, credit);
    return new LimitVerdict(v.admitted(), states, v.retryAfterNanos(), v.exceeded(), v.lease());
  }

  @Override
  public List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos) {
    int at = creditIndex(requests);
    if (at < 0) {
      return limits.peek(requests, nowEpochNanos);
    }
    List<LimitRequest> others = without(requests, at);
    List<PolicyState> states = new ArrayList<>(others.isEmpty() ? List.of() : limits.peek(others, nowEpochNanos));
    states.add(at, state(requests.get(at), credits(requests.get(at).key()), false));
    return states;
  }

  @Override
  public void release(List<LimitRequest> requests, LimitVerdict verdict) {
    int at = creditIndex(requests);
    if (at < 0) {
      limits.release(requests, verdict);
      return;
    }
    List<PolicyState> states = new ArrayList<>(verdict.policies());
    states.remove(at);
    limits.release(without(requests, at), new LimitVerdict(verdict.admitted(), states, verdict.retryAfterNanos(),
        verdict.exceeded(), verdict.lease()));
  }

  /**
   * In one transaction, under the balance's row lock: an entry applied before answers as it was;
   * else the balance moves, unless it would go below zero.
   */
  @Override
  public CreditEntry applyCredits(String key, String entryId, long delta) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        CreditEntry entry = apply(c, key, entryId, delta);
        c.commit();
        return entry;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failed("applying a credit entry", e);
    }
  }

  private static CreditEntry apply(Connection c, String key, String entryId, long delta) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO monetize_credit_balances (key, balance) VALUES (?, 0) ON CONFLICT (key) DO NOTHING")) {
      s.setString(1, key);
      s.executeUpdate();
    }
    long balance;
    try (PreparedStatement s = c.prepareStatement("SELECT balance FROM monetize_credit_balances WHERE key = ? FOR UPDATE")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        balance = rs.getLong(1);
      }
    }
    try (PreparedStatement s = c.prepareStatement(
        "SELECT delta, balance_after FROM monetize_credit_entries WHERE key = ? AND entry_id = ?")) {
      s.setString(1, key);
      s.setString(2, entryId);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return new CreditEntry(CreditEntry.Outcome.REPEATED, rs.getLong(1), rs.getLong(2));
        }
      }
    }
    long after = balance + delta;
    if (((balance ^ after) & (delta ^ after)) < 0 || after > MAX_CREDITS) {
      throw new IllegalArgumentException("a credit balance is at most " + MAX_CREDITS + " micro-units");
    }
    if (after < 0) {
      return new CreditEntry(CreditEntry.Outcome.INSUFFICIENT, delta, balance);
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE monetize_credit_balances SET balance = ? WHERE key = ?")) {
      s.setLong(1, after);
      s.setString(2, key);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO monetize_credit_entries (key, entry_id, delta, balance_after) VALUES (?, ?, ?, ?)")) {
      s.setString(1, key);
      s.setString(2, entryId);
      s.setLong(3, delta);
      s.setLong(4, after);
      s.executeUpdate();
    }
    return new CreditEntry(CreditEntry.Outcome.APPLIED, delta, after);
  }

  @Override
  public long credits(String key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT balance FROM monetize_credit_balances WHERE key = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw failed("reading a credit balance", e);
    }
  }

  /**
   * Takes {@code credit}'s cost off its balance when the balance holds that much: the balance after,
   * or -1 when it did not (nothing moved).
   */
  private long charge(LimitRequest credit) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true); // an application's pool may default to manual commits: this charge must stand
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE monetize_credit_balances SET balance = balance - ? WHERE key = ? AND balance >= ? RETURNING balance")) {
        s.setLong(1, credit.cost());
        s.setString(2, credit.key());
        s.setLong(3, credit.cost());
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? rs.getLong(1) : -1;
        }
      }
    } catch (SQLException e) {
      throw failed("charging a prepaid call", e);
    }
  }

  /**
   * Gives a call's price back (another limit refused it after the charge), retried: the price is the
   * customer's. A give-back that keeps failing is logged at ERROR with the key and the amount.
   */
  private void giveBack(LimitRequest credit) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE monetize_credit_balances SET balance = LEAST(balance + ?, ?) WHERE key = ?")) {
          s.setLong(1, credit.cost());
          s.setLong(2, MAX_CREDITS);
          s.setString(3, credit.key());
          s.executeUpdate();
          return;
        }
      } catch (SQLException e) {
        if (attempt == 3) {
          LOG.error("giving back {} micro-units to the balance {} failed three times (credit them with a wallet entry): "
              + "{}", credit.cost(), credit.key(), e.toString());
          return;
        }
      }
    }
  }

  private static RuntimeException failed(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (e instanceof java.sql.SQLTransientException || e instanceof java.sql.SQLRecoverableException
        || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")) {
      return new LimiterUnavailableException("PostgreSQL credit balances: " + what + " failed: " + e.getMessage(), e);
    }
    return new IllegalStateException("PostgreSQL credit balances: " + what + " failed (SQLState " + state
        + "; is the schema migrated, V10__credit_balances.sql?): " + e.getMessage(), e);
  }

  private static PolicyState state(LimitRequest credit, long balance, boolean violated) {
    return new PolicyState(credit.policy().name(), 0, 0, Math.max(0, balance), 0, violated, credit.policy().unit());
  }

  private static int creditIndex(List<LimitRequest> requests) {
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).policy() instanceof CreditPolicy) {
        return i;
      }
    }
    return -1;
  }

  private static List<LimitRequest> without(List<LimitRequest> requests, int at) {
    List<LimitRequest> out = new ArrayList<>(requests);
    out.remove(at);
    if (creditIndex(out) >= 0) {
      throw new IllegalArgumentException("a call is charged to one credit balance at most");
    }
    return out;
  }
}
