package dev.monetize.postgres;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.PlanChange;
import dev.monetize.billing.WalletEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Wallet entries, plan changes and final invoices in PostgreSQL, shared by every process on the database. An entry
 * is unique per customer and id ({@code ON CONFLICT DO NOTHING}), so of two processes recording
 * the same top-up only one succeeds and the other gets the first entry back.
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.connect(url);
 * Monetize.builder().billingHistory(new PostgresBillingHistory(db.dataSource())) ...
 * }</pre>
 */
public final class PostgresBillingHistory implements BillingHistory {
  private static final String COLUMNS = "customer_id, id, amount, note, at, balance_after";

  /** How many due changes {@link #changesDue} reads at least per page. */
  static final int DUE_PAGE = 10_000;

  private final DataSource dataSource;
  private final int duePage;

  /** History on {@code dataSource}, whose schema {@link Migrations} has created. */
  public PostgresBillingHistory(DataSource dataSource) {
    this(dataSource, DUE_PAGE);
  }

  /** The same, with pages of {@code duePage} due changes (tests read several pages with few rows). */
  PostgresBillingHistory(DataSource dataSource, int duePage) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    if (duePage < 1) {
      throw new IllegalArgumentException("a page holds at least one change, got " + duePage);
    }
    this.duePage = duePage;
  }

  /**
   * In one transaction: the period's final invoice if it has one; else the issuer's counter moved
   * on (its row lock orders concurrent finalizations) and the invoice inserted under the new
   * number. Losing a race for the same period rolls the counter back, so numbers have no gaps.
   */
  @Override
  public Invoice finalizeInvoice(Invoice draft) {
    if (draft.number().isPresent()) {
      throw new IllegalArgumentException("invoice " + draft.number().get() + " is final already");
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<Invoice> earlier = invoiceOf(c, draft.customerId(), draft.periodStart());
        if (earlier.isPresent()) {
          c.rollback();
          return earlier.get();
        }
        long seq;
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE monetize_invoice_numbers SET last = last + 1 WHERE issuer = 'default' RETURNING last");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          seq = rs.getLong(1);
        }
        Invoice kept = draft.finalized(BillingHistory.number(seq));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO monetize_invoices (number, seq, customer_id, "
            + "period_start, period_end, currency, total, amount_due, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (customer_id, period_start) DO NOTHING")) {
          ps.setString(1, kept.number().orElseThrow());
          ps.setLong(2, seq);
          ps.setString(3, kept.customerId());
          ps.setTimestamp(4, Timestamp.from(kept.periodStart()));
          ps.setTimestamp(5, Timestamp.from(kept.periodEnd()));
          ps.setString(6, kept.currency().getCurrencyCode());
          ps.setBigDecimal(7, kept.total());
          ps.setBigDecimal(8, kept.amountDue());
          ps.setString(9, kept.json());
          if (ps.executeUpdate() == 1) {
            c.commit();
            return kept;
          }
        }
        c.rollback(); // finalized meanwhile by another node: its number stands, ours goes back
        return invoiceOf(c, draft.customerId(), draft.periodStart()).orElseThrow(() ->
            new IllegalStateException("the invoice of " + draft.customerId() + " for " + draft.periodStart()
                + " conflicted but cannot be read back"));
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("finalizing an invoice", ex);
    }
  }

  private static Optional<Invoice> invoiceOf(Connection c, String customerId, Instant periodStart) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT body FROM monetize_invoices WHERE customer_id = ? AND period_start = ?")) {
      ps.setString(1, customerId);
      ps.setTimestamp(2, Timestamp.from(periodStart));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Invoice.parse(rs.getString(1))) : Optional.empty();
      }
    }
  }

  @Override
  public List<Invoice> invoices(String customerId, int limit) {
    return invoices("SELECT body FROM monetize_invoices WHERE customer_id = ? ORDER BY period_start DESC LIMIT ?",
        customerId, Integer.toString(limit));
  }

  @Override
  public Optional<Invoice> invoice(String customerId, String number) {
    return invoices("SELECT body FROM monetize_invoices WHERE customer_id = ? AND number = ?", customerId, number)
        .stream().findFirst();
  }

  private List<Invoice> invoices(String sql, String customerId, String second) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, customerId);
      if (sql.endsWith("LIMIT ?")) {
        ps.setInt(2, Integer.parseInt(second));
      } else {
        ps.setString(2, second);
      }
      List<Invoice> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Invoice.parse(rs.getString(1)));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading invoices", ex);
    }
  }

  @Override
  public WalletEntry recordWalletEntry(WalletEntry e) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO monetize_wallet_entries (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, e.customerId());
      ps.setString(2, e.id());
      ps.setBigDecimal(3, e.amount());
      ps.setString(4, e.note());
      ps.setTimestamp(5, Timestamp.from(e.at()));
      ps.setBigDecimal(6, e.balanceAfter());
      if (ps.executeUpdate() == 1) {
        return e;
      }
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("recording a wallet entry", ex);
    }
    return walletEntry(e.customerId(), e.id()).orElseThrow(() ->
        new IllegalStateException("wallet entry " + e.id() + " conflicted but cannot be read back"));
  }

  @Override
  public Optional<WalletEntry> walletEntry(String customerId, String id) {
    List<WalletEntry> found = entries("SELECT " + COLUMNS + " FROM monetize_wallet_entries WHERE customer_id = ? AND id = ?",
        customerId, id, 1);
    return found.stream().findFirst();
  }

  @Override
  public List<WalletEntry> walletEntries(String customerId, int limit) {
    return entries("SELECT " + COLUMNS + " FROM monetize_wallet_entries WHERE customer_id = ? ORDER BY seq DESC LIMIT ?",
        customerId, null, limit);
  }

  private List<WalletEntry> entries(String sql, String customerId, String id, int limit) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, customerId);
      if (id != null) {
        ps.setString(2, id);
      } else {
        ps.setInt(2, limit);
      }
      List<WalletEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new WalletEntry(rs.getString(2), rs.getString(1), rs.getBigDecimal(3),
              rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getBigDecimal(6)));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading wallet entries", ex);
    }
  }

  @Override
  public void recordPlanChange(PlanChange change) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO monetize_plan_changes (customer_id, since, plan) VALUES (?, ?, ?)")) {
      ps.setString(1, change.customerId());
      ps.setTimestamp(2, Timestamp.from(change.since()));
      ps.setString(3, change.plan());
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("recording a plan change", ex);
    }
  }

  @Override
  public List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
    String sql = "(SELECT plan, since, seq FROM monetize_plan_changes WHERE customer_id = ? AND since <= ?"
        + " ORDER BY since DESC, seq DESC LIMIT 1)"
        + " UNION ALL (SELECT plan, since, seq FROM monetize_plan_changes WHERE customer_id = ? AND since > ?"
        + " AND since < ?) ORDER BY since, seq";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, customerId);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setString(3, customerId);
      ps.setTimestamp(4, Timestamp.from(from));
      ps.setTimestamp(5, Timestamp.from(to));
      List<PlanChange> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new PlanChange(customerId, rs.getString(1), rs.getTimestamp(2).toInstant()));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading plan changes", ex);
    }
  }

  /**
   * One query per thousand customers: each one's last change at or before {@code from}, then its
   * changes inside, as {@link #planChanges(String, Instant, Instant)} reads them.
   */
  @Override
  public java.util.Map<String, List<PlanChange>> planChanges(java.util.Collection<String> customerIds, Instant from,
      Instant to) {
    String sql = "(SELECT DISTINCT ON (customer_id) customer_id, plan, since, seq FROM monetize_plan_changes "
        + "WHERE customer_id = ANY (?) AND since <= ? ORDER BY customer_id, since DESC, seq DESC)"
        + " UNION ALL (SELECT customer_id, plan, since, seq FROM monetize_plan_changes WHERE customer_id = ANY (?)"
        + " AND since > ? AND since < ?) ORDER BY customer_id, since, seq";
    java.util.Map<String, List<PlanChange>> out = new java.util.HashMap<>();
    List<String> ids = List.copyOf(customerIds);
    try (Connection c = dataSource.getConnection()) {
      for (int i = 0; i < ids.size(); i += 1_000) {
        java.sql.Array batch = c.createArrayOf("text", ids.subList(i, Math.min(ids.size(), i + 1_000)).toArray());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setArray(1, batch);
          ps.setTimestamp(2, Timestamp.from(from));
          ps.setArray(3, batch);
          ps.setTimestamp(4, Timestamp.from(from));
          ps.setTimestamp(5, Timestamp.from(to));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                  .add(new PlanChange(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
            }
          }
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading the plan changes of " + ids.size() + " customers", ex);
    }
  }

  /** One query for the whole batch: each customer's last change at or before {@code at}, by its primary key. */
  @Override
  public java.util.Map<String, PlanChange> plansInForce(java.util.Collection<String> customerIds, Instant at) {
    java.util.Map<String, PlanChange> out = new java.util.HashMap<>();
    if (customerIds.isEmpty()) {
      return out;
    }
    String sql = "SELECT DISTINCT ON (customer_id) customer_id, plan, since FROM monetize_plan_changes "
        + "WHERE customer_id = ANY (?) AND since <= ? ORDER BY customer_id, since DESC, seq DESC";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", customerIds.toArray()));
      ps.setTimestamp(2, Timestamp.from(at));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new PlanChange(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading the plans in force", ex);
    }
  }

  @Override
  public List<String> customersBefore(Instant before, int limit) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT DISTINCT customer_id FROM monetize_plan_changes WHERE since < ? ORDER BY customer_id LIMIT ?")) {
      ps.setTimestamp(1, Timestamp.from(before));
      ps.setInt(2, limit);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading the customers of the plan changes", ex);
    }
  }

  /**
   * A page of at least {@value #DUE_PAGE} changes (fewer only when no more are due), ending at a whole
   * instant: every change at the page's last instant is in it, so the next page, read after that
   * instant, skips none (any number of customers may move at one instant, say the first of a month).
   */
  @Override
  public List<PlanChange> changesDue(Instant after, Instant upTo) {
    // the instant of the page's last row: the DUE_PAGE-th due change's, or upTo when fewer are due
    String sql = "SELECT customer_id, plan, since FROM monetize_plan_changes WHERE since > ? AND since <= "
        + "COALESCE((SELECT since FROM monetize_plan_changes WHERE since > ? AND since <= ? ORDER BY since "
        + "OFFSET ? LIMIT 1), ?) ORDER BY since, seq";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      Timestamp from = Timestamp.from(after);
      Timestamp to = Timestamp.from(upTo);
      ps.setTimestamp(1, from);
      ps.setTimestamp(2, from);
      ps.setTimestamp(3, to);
      ps.setInt(4, duePage - 1);
      ps.setTimestamp(5, to);
      List<PlanChange> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new PlanChange(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("reading due plan changes", ex);
    }
  }

  @Override
  public int cancelPlanChanges(String customerId, Instant after) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "DELETE FROM monetize_plan_changes WHERE customer_id = ? AND since > ?")) {
      ps.setString(1, customerId);
      ps.setTimestamp(2, Timestamp.from(after));
      return ps.executeUpdate();
    } catch (SQLException ex) {
      throw new PostgresStore.StoreException("cancelling plan changes", ex);
    }
  }
}
