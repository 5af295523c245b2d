package dev.monetize.postgres;

import dev.monetize.billing.BillingHistory;
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
 * Wallet entries and plan changes in PostgreSQL, shared by every process on the database. An entry
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

  private final DataSource dataSource;

  /** History on {@code dataSource}, whose schema {@link Migrations} has created. */
  public PostgresBillingHistory(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
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
}
