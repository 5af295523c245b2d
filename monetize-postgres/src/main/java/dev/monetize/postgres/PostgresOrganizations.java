package dev.monetize.postgres;

import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.Optional;
import javax.sql.DataSource;

/** The organizations (customers) of {@link PostgresStore}: table {@code monetize_organizations}. */
final class PostgresOrganizations {
  private final DataSource dataSource;

  PostgresOrganizations(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  long count() {
    return PostgresStore.count(dataSource, "SELECT count(*) FROM monetize_organizations", null, "organizations");
  }

  Optional<Customer> find(String customerId) {
    String sql = "SELECT id, plan, billing_day, time_zone, name FROM monetize_organizations WHERE id = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(customer(rs));
      }
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("finding an organization", e);
    }
  }

  /** The customer of a row of {@code id, plan, billing_day, time_zone, name}, as stored. */
  private static Customer customer(ResultSet rs) throws SQLException {
    return new Customer(rs.getString(1), rs.getString(2), new BillingAnchor(rs.getInt(3), ZoneId.of(rs.getString(4))),
        rs.getString(5));
  }

  /** One query for the whole batch. */
  java.util.Map<String, Customer> findAll(java.util.Collection<String> customerIds) {
    java.util.Map<String, Customer> out = new java.util.HashMap<>();
    if (customerIds.isEmpty()) {
      return out;
    }
    String sql = "SELECT id, plan, billing_day, time_zone, name FROM monetize_organizations WHERE id = ANY (?)";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", customerIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), customer(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("finding organizations", e);
    }
  }

  void save(Customer customer) {
    String sql = "INSERT INTO monetize_organizations (id, name, plan, billing_day, time_zone) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan, "
        + "billing_day = EXCLUDED.billing_day, time_zone = EXCLUDED.time_zone";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, customer);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("saving organization " + customer.id(), e);
    }
  }

  /** One insert that does nothing when the id exists: of two creations of one id, exactly one wins. */
  boolean create(Customer customer) {
    String sql = "INSERT INTO monetize_organizations (id, name, plan, billing_day, time_zone) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (id) DO NOTHING";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, customer);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("creating organization " + customer.id(), e);
    }
  }

  /**
   * The count of organizations and the insert as one step, under a lock every node takes for the
   * deployment's organizations: creations racing for the last places make no more than fit.
   */
  dev.monetize.keys.CustomerStore.Creation createWithin(Customer customer, long max) {
    String sql = "INSERT INTO monetize_organizations (id, name, plan, billing_day, time_zone) SELECT ?, ?, ?, ?, ? "
        + "WHERE (SELECT count(*) FROM monetize_organizations) < ? ON CONFLICT (id) DO NOTHING";
    boolean[] full = {false};
    // no organization id has a space: the deployment's lock is no organization's
    boolean created = OrganizationLock.within(dataSource, " organizations", "creating organization " + customer.id(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, customer);
            ps.setLong(6, max);
            if (ps.executeUpdate() == 1) {
              return true;
            }
          }
          try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM monetize_organizations");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            full[0] = rs.getLong(1) >= max;
          }
          return false;
        });
    return created ? dev.monetize.keys.CustomerStore.Creation.CREATED
        : full[0] ? dev.monetize.keys.CustomerStore.Creation.FULL : dev.monetize.keys.CustomerStore.Creation.EXISTS;
  }

  /** An organization's columns, in the order both inserts name them. */
  private static void bind(PreparedStatement ps, Customer customer) throws SQLException {
    ps.setString(1, customer.id());
    ps.setString(2, customer.name());
    ps.setString(3, customer.plan());
    ps.setInt(4, customer.billingAnchor().dayOfMonth());
    ps.setString(5, customer.billingAnchor().zone().getId());
  }
}
