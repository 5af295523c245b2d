package dev.monetize.postgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import dev.monetize.plans.Customer;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Organizations, projects and API keys in PostgreSQL, on plain JDBC. Every JVM sharing the database
 * sees a revocation or rotation at its next lookup; with the engine's verification cache in front,
 * within the cache TTL ({@code Monetize.builder().keyCacheTtl}, 30 s by default).
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.connect("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
 * Monetize monetize = Monetize.builder().keyStore(db).customerStore(db) ... .build();
 * }</pre>
 *
 * A store failure surfaces as {@link StoreException} (the engine answers it as {@code internal},
 * without the SQL or the address); nothing is retried behind the caller's back.
 */
public final class PostgresStore implements KeyStore, CustomerStore, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_COLUMNS = "id, organization_id, project_id, secret_hash, previous_hash, "
      + "previous_valid_until, scopes, environment, status, created_at, expires_at, limit_overrides::text, raised_limits";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresStore.class);
  private final DataSource dataSource;
  private final PostgresOrganizations organizations;
  private final HikariDataSource owned;
  /** Where {@link #watch} gets its connection: not from a pool this store sized for its own queries. */
  private final KeyWatch.Connections listening;

  private PostgresStore(DataSource dataSource, HikariDataSource owned, KeyWatch.Connections listening) {
    this.dataSource = dataSource;
    this.organizations = new PostgresOrganizations(dataSource);
    this.owned = owned;
    this.listening = listening;
  }

  /**
   * Opens a pool (HikariCP: up to 10 connections under load, 1 kept when idle) on {@code jdbcUrl} and
   * applies the migrations.
   */
  public static PostgresStore connect(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("expected a PostgreSQL JDBC URL such as "
          + "jdbc:postgresql://127.0.0.1:5432/test?user=postgres, got one starting '"
          + jdbcUrl.substring(0, Math.min(16, jdbcUrl.length())) + "'");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1); // an idle process keeps one connection, not ten: N processes fit a server's limit
    config.setIdleTimeout(60_000);
    config.setPoolName("monetize");
    config.setConnectionTimeout(5_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to PostgreSQL at " + withoutSecrets(jdbcUrl)
          + " (check the JDBC URL given to PostgresStore.connect and that the server is running): "
          + scrubbed(rootMessage(e), jdbcUrl)); // no cause: a driver's or pool's message may quote the URL
    }
    try {
      Migrations.migrate(ds);
    } catch (SQLException | RuntimeException e) {
      ds.close();
      throw new IllegalStateException("cannot migrate the Monetize schema: " + scrubbed(rootMessage(e), jdbcUrl));
    }
    return new PostgresStore(ds, ds, () -> java.sql.DriverManager.getConnection(jdbcUrl));
  }

  /** {@code message} without the URL's password or user information, which drivers may quote. */
  static String scrubbed(String message, String jdbcUrl) {
    String out = message;
    int scheme = jdbcUrl.indexOf("//");
    int at = jdbcUrl.lastIndexOf('@', jdbcUrl.indexOf('?') < 0 ? jdbcUrl.length() : jdbcUrl.indexOf('?'));
    if (scheme >= 0 && at > scheme + 2) {
      out = out.replace(jdbcUrl.substring(scheme + 2, at), "***");
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]password=([^&]+)").matcher(jdbcUrl);
    while (m.find()) {
      out = out.replace(m.group(1), "***");
    }
    return out;
  }

  /** The URL up to its parameters, without user information: fit for a message or a log. */
  static String withoutSecrets(String jdbcUrl) {
    String u = jdbcUrl;
    int q = u.indexOf('?');
    if (q >= 0) {
      u = u.substring(0, q);
    }
    int scheme = u.indexOf("//");
    int at = u.lastIndexOf('@');
    if (scheme >= 0 && at > scheme) {
      u = u.substring(0, scheme + 2) + u.substring(at + 1);
    }
    return u;
  }

  /** On a data source you manage (already migrated with {@link Migrations#migrate}, or migrated now). */
  public static PostgresStore on(DataSource dataSource) throws SQLException {
    Migrations.migrate(dataSource);
    return new PostgresStore(dataSource, null, dataSource::getConnection);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().replaceAll("password=[^&\\s]*", "password=***");
  }

  /** A failed database call, described without SQL or credentials. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failed {@code what}, with the driver's exception as cause. */
    public StoreException(String what, SQLException cause) {
      super("PostgreSQL store: " + what + " failed (SQL state " + cause.getSQLState() + ")", cause);
    }
  }

  // ---- keys

  @Override
  public Optional<ApiKey> findByHash(String secretHash) {
    return queryKey("SELECT " + KEY_COLUMNS + " FROM monetize_api_keys WHERE secret_hash = ? "
        + "UNION ALL SELECT " + KEY_COLUMNS + " FROM monetize_api_keys WHERE previous_hash = ? LIMIT 1",
        "finding a key", secretHash, secretHash);
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return queryKey("SELECT " + KEY_COLUMNS + " FROM monetize_api_keys WHERE id = ?", "finding a key", id);
  }

  @Override
  public void save(ApiKey k) {
    String sql = "INSERT INTO monetize_api_keys (id, organization_id, environment, created_at, " + MUTABLE_KEY_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (id) DO UPDATE SET "
        + "project_id = EXCLUDED.project_id, secret_hash = EXCLUDED.secret_hash, previous_hash = EXCLUDED.previous_hash, "
        + "previous_valid_until = EXCLUDED.previous_valid_until, scopes = EXCLUDED.scopes, status = EXCLUDED.status, "
        + "expires_at = EXCLUDED.expires_at, limit_overrides = EXCLUDED.limit_overrides, "
        + "raised_limits = EXCLUDED.raised_limits";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, k.id());
      ps.setString(2, k.customerId());
      ps.setString(3, k.environment().name());
      ps.setTimestamp(4, Timestamp.from(k.createdAt()));
      bindMutable(c, ps, 5, k);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("saving key " + k.id(), e);
    }
  }

  /**
   * The insert of a new key and the count of its organization's keys not revoked as one step, under a
   * lock of the organization held by the transaction: creations racing on several nodes for the last
   * places make no more keys than fit.
   */
  @Override
  public boolean saveWithin(ApiKey k, long max) {
    String sql = "INSERT INTO monetize_api_keys (id, organization_id, environment, created_at, " + MUTABLE_KEY_COLUMNS
        + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ? WHERE (SELECT count(*) FROM monetize_api_keys "
        + "WHERE organization_id = ? AND status <> 'REVOKED') < ?";
    return OrganizationLock.within(dataSource, k.customerId(), "saving key " + k.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, k.id());
        ps.setString(2, k.customerId());
        ps.setString(3, k.environment().name());
        ps.setTimestamp(4, Timestamp.from(k.createdAt()));
        bindMutable(c, ps, 5, k);
        ps.setString(14, k.customerId());
        ps.setLong(15, max);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** The columns a key's changes write (a rotation, a revocation), in {@link #bindMutable}'s order. */
  private static final String MUTABLE_KEY_COLUMNS = "project_id, secret_hash, previous_hash, previous_valid_until, "
      + "scopes, status, expires_at, limit_overrides, raised_limits";

  /** Binds {@link #MUTABLE_KEY_COLUMNS} of {@code k} from parameter {@code from} on (nine of them). */
  private static void bindMutable(Connection c, PreparedStatement ps, int from, ApiKey k) throws SQLException {
    ps.setString(from, k.projectId().orElse(null));
    ps.setString(from + 1, k.secretHash());
    ps.setString(from + 2, k.previousSecretHash().orElse(null));
    setInstant(ps, from + 3, k.previousValidUntil());
    ps.setArray(from + 4, c.createArrayOf("text", k.scopes().toArray()));
    ps.setString(from + 5, k.status().name());
    setInstant(ps, from + 6, k.expiresAt());
    try {
      ps.setString(from + 7, JSON.writeValueAsString(k.limitOverrides()));
    } catch (IOException e) {
      throw new IllegalStateException("a map of limits is always JSON", e);
    }
    ps.setArray(from + 8, c.createArrayOf("text", k.raisedLimits().toArray()));
  }

  /**
   * One conditional update: only a row whose status and secret hash are still {@code expected}'s is
   * changed, so a revocation another node committed in between is never undone (its trigger tells
   * every node, as a save's does).
   */
  @Override
  public boolean replace(ApiKey expected, ApiKey updated) {
    if (!expected.id().equals(updated.id())) {
      throw new IllegalArgumentException("a key is replaced by a version of itself, not by key " + updated.id());
    }
    String sql = "UPDATE monetize_api_keys SET (" + MUTABLE_KEY_COLUMNS + ") = (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) "
        + "WHERE id = ? AND upper(btrim(status)) = ? AND secret_hash = ?"; // a status written by hand, as read
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bindMutable(c, ps, 1, updated);
      ps.setString(10, expected.id());
      ps.setString(11, expected.status().name());
      ps.setString(12, expected.secretHash());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("replacing key " + expected.id(), e);
    }
  }

  @Override
  public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
    String sql = "SELECT " + KEY_COLUMNS + " FROM monetize_api_keys WHERE organization_id = ? "
        + (projectId.isPresent() ? "AND project_id = ? " : "")
        + (afterId.isPresent() ? "AND id > ? " : "")
        + "ORDER BY id LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, organizationId);
      if (projectId.isPresent()) {
        ps.setString(i++, projectId.get());
      }
      if (afterId.isPresent()) {
        ps.setString(i++, afterId.get());
      }
      ps.setInt(i, Math.max(0, limit));
      List<ApiKey> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(key(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("listing keys", e);
    }
  }

  private Optional<ApiKey> queryKey(String sql, String what, String... params) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(key(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(what, e);
    }
  }

  private static ApiKey key(ResultSet rs) throws SQLException {
    Map<String, Long> overrides;
    try {
      overrides = JSON.readValue(rs.getString(12), new TypeReference<Map<String, Long>>() { });
    } catch (IOException e) {
      throw new SQLException("limit_overrides of key " + rs.getString(1) + " is not a JSON object of numbers", e);
    }
    return new ApiKey(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), rs.getString(4),
        strings(rs.getArray(7)), KeyEnvironment.valueOf(rs.getString(8)), status(rs.getString(9)),
        rs.getTimestamp(10).toInstant(), instant(rs, 11), Optional.ofNullable(rs.getString(5)), instant(rs, 6),
        overrides, strings(rs.getArray(13)));
  }

  // ---- projects

  @Override
  public void saveProject(Project p) {
    String sql = "INSERT INTO monetize_projects (id, organization_id, name, scopes, created_at) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, scopes = EXCLUDED.scopes";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, p.id());
      ps.setString(2, p.organizationId());
      ps.setString(3, p.name());
      ps.setArray(4, c.createArrayOf("text", p.scopes().toArray()));
      ps.setTimestamp(5, Timestamp.from(p.createdAt()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("saving project " + p.id(), e);
    }
  }

  /** As {@link #saveWithin}, for projects. */
  @Override
  public boolean saveProjectWithin(Project p, long max) {
    String sql = "INSERT INTO monetize_projects (id, organization_id, name, scopes, created_at) SELECT ?, ?, ?, ?, ? "
        + "WHERE (SELECT count(*) FROM monetize_projects WHERE organization_id = ?) < ?";
    return OrganizationLock.within(dataSource, p.organizationId(), "saving project " + p.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, p.id());
        ps.setString(2, p.organizationId());
        ps.setString(3, p.name());
        ps.setArray(4, c.createArrayOf("text", p.scopes().toArray()));
        ps.setTimestamp(5, Timestamp.from(p.createdAt()));
        ps.setString(6, p.organizationId());
        ps.setLong(7, max);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<Project> findProject(String id) {
    String sql = "SELECT id, organization_id, name, scopes, created_at FROM monetize_projects WHERE id = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Project(rs.getString(1), rs.getString(2), rs.getString(3), strings(rs.getArray(4)),
            rs.getTimestamp(5).toInstant()));
      }
    } catch (SQLException e) {
      throw new StoreException("finding a project", e);
    }
  }

  @Override
  public long countProjects(String organizationId) {
    return count(dataSource, "SELECT count(*) FROM monetize_projects WHERE organization_id = ?", organizationId,
        "projects");
  }

  @Override
  public long countKeys(String organizationId) {
    return count(dataSource, "SELECT count(*) FROM monetize_api_keys WHERE organization_id = ? AND status <> 'REVOKED'",
        organizationId, "keys");
  }

  /** The count {@code sql} selects, for {@code organizationId} (its one parameter) or none when null. */
  static long count(DataSource dataSource, String sql, String organizationId, String what) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (organizationId != null) {
        ps.setString(1, organizationId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("counting " + what, e);
    }
  }

  // ---- organizations (customers): PostgresOrganizations

  @Override
  public long count() {
    return organizations.count();
  }

  @Override
  public Optional<Customer> find(String customerId) {
    return organizations.find(customerId);
  }

  /** One query for the whole batch. */
  @Override
  public java.util.Map<String, Customer> findAll(java.util.Collection<String> customerIds) {
    return organizations.findAll(customerIds);
  }

  @Override
  public void save(Customer customer) {
    organizations.save(customer);
  }

  /** One insert that does nothing when the id exists: of two creations of one id, exactly one wins. */
  @Override
  public boolean create(Customer customer) {
    return organizations.create(customer);
  }

  /** The count and the insert as one step, under a lock of the deployment's organizations on every node. */
  @Override
  public Creation createWithin(Customer customer, long max) {
    return organizations.createWithin(customer, max);
  }

  // ---- helpers

  private static void setInstant(PreparedStatement ps, int index, Optional<Instant> value) throws SQLException {
    if (value.isPresent()) {
      ps.setTimestamp(index, Timestamp.from(value.get()));
    } else {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    }
  }

  private static Optional<Instant> instant(ResultSet rs, int index) throws SQLException {
    Timestamp t = rs.getTimestamp(index);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  private static java.util.Set<String> strings(Array array) throws SQLException {
    return new HashSet<>(Arrays.asList((String[]) array.getArray()));
  }

  /**
   * Watches the keys other processes change (PostgreSQL {@code LISTEN/NOTIFY}): a key revoked,
   * rotated or edited by hand elsewhere is forgotten by the engine at once, not when its key cache
   * entry expires. The watch holds a connection of its own: outside the pool on a store made by
   * {@link #connect}, one of the data source's on a store made {@link #on} one.
   */
  @Override
  public AutoCloseable watch(KeyStore.Changes changes) {
    return new KeyWatch(listening, changes);
  }

  /**
   * A key's stored status; written by hand in another case ({@code revoked}) it is read as meant, and
   * one that is no status at all as {@code REVOKED}: a key never gains power from a typo, and the typo
   * is said once in the log rather than failing every call with it.
   */
  private static KeyStatus status(String stored) {
    try {
      return KeyStatus.valueOf(stored.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      if (UNKNOWN_STATUS_WARNED.compareAndSet(false, true)) {
        LOG.warn("a key's status '{}' is none of {}: read as REVOKED (fix the row in monetize_api_keys)", stored,
            java.util.Arrays.toString(KeyStatus.values()));
      }
      return KeyStatus.REVOKED;
    }
  }

  private static final java.util.concurrent.atomic.AtomicBoolean UNKNOWN_STATUS_WARNED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The data source (for the usage ledger on the same database). */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Closes the pool if this store opened it. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
