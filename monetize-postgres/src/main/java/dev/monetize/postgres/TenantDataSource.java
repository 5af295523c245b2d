package dev.monetize.postgres;

import dev.monetize.TenantContext;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The second layer of tenant isolation: a {@link DataSource} that tells PostgreSQL which tenant
 * every connection it hands out works for, so that row-level security policies hold even when a
 * query forgets its {@code WHERE tenant = ?}. Each connection gets the tenant of the admitted request
 * ({@link TenantContext#require()}) in the setting {@code app.tenant} when it is taken, and the
 * setting is cleared when it is closed (returned to the pool). Without a tenant it refuses to hand
 * out a connection: fail closed.
 *
 * <pre>{@code
 * DataSource tenantData = new TenantDataSource(pool);
 * // CREATE POLICY isolation ON events USING (tenant = current_setting('app.tenant', true));
 * // ALTER TABLE events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
 * try (Connection c = tenantData.getConnection()) { ... } // only the caller's rows are visible
 * }</pre>
 *
 * <p>Row-level security applies only to roles that neither own the table nor are superusers (nor
 * have {@code BYPASSRLS}): connect as such a role. See {@code docs/tenant-isolation.md}.
 */
public final class TenantDataSource implements DataSource {
  private static final Pattern SETTING = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

  private final DataSource delegate;
  private final String setting;

  /** Sets {@code app.tenant} on connections of {@code delegate}. */
  public TenantDataSource(DataSource delegate) {
    this(delegate, "app.tenant");
  }

  /**
   * Sets {@code setting} (a custom PostgreSQL setting, {@code prefix.name}) on connections of
   * {@code delegate}.
   */
  public TenantDataSource(DataSource delegate, String setting) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (!SETTING.matcher(setting).matches()) {
      throw new IllegalArgumentException("the tenant setting must look like app.tenant (prefix.name, lower case), got '"
          + setting + "'");
    }
    this.setting = setting;
  }

  /**
   * A connection for the tenant of the current request.
   *
   * @throws SQLException when no tenant is current (no admitted request on this thread, and none
   *     carried to it with {@link TenantContext#propagate})
   */
  @Override
  public Connection getConnection() throws SQLException {
    return connection(TenantContext.current().orElseThrow(() -> new SQLException(
        "no tenant on this thread: take tenant connections while serving an admitted request, carry the tenant to "
            + "other threads with TenantContext.propagate, or name it with TenantDataSource.connection(tenant)")));
  }

  /** A connection for {@code tenant}, named explicitly (a background job for one customer). */
  public Connection connection(String tenant) throws SQLException {
    if (tenant == null || tenant.isEmpty()) {
      throw new SQLException("a tenant connection needs a tenant");
    }
    Connection c = delegate.getConnection();
    try {
      set(c, tenant);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return (Connection) Proxy.newProxyInstance(TenantDataSource.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new Resetting(c));
  }

  /** Sets the tenant for the session: committed at once, since a rolled-back transaction would undo it. */
  private void set(Connection c, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, false)")) {
      ps.setString(1, setting);
      ps.setString(2, value);
      ps.execute();
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /** Clears the setting when the connection is closed, before the pool takes it back. */
  private final class Resetting implements InvocationHandler {
    private final Connection target;
    private boolean closed;

    Resetting(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          if (!closed) {
            closed = true;
            reset();
          }
          return null;
        }
        case "isClosed" -> {
          return closed || target.isClosed();
        }
        case "unwrap", "isWrapperFor" -> {
          // the raw connection could change the tenant: not handed out
          if (args[0] instanceof Class<?> type && type.isInstance(proxy)) {
            return method.getName().equals("unwrap") ? proxy : Boolean.TRUE;
          }
          if (method.getName().equals("isWrapperFor")) {
            return Boolean.FALSE;
          }
          throw new SQLException("a tenant connection does not hand out what it wraps");
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {
          if (closed && !method.getName().equals("toString")) {
            throw new SQLException("the connection is closed");
          }
          return wrap(call(target, method, args), proxy);
        }
      }
    }

    private void reset() throws SQLException {
      try {
        if (!target.getAutoCommit()) {
          target.rollback(); // an aborted transaction would refuse the reset
        }
        set(target, "");
      } catch (SQLException e) {
        // the tenant could not be cleared: never return this connection to the pool
        target.abort(Runnable::run);
        throw e;
      } finally {
        target.close();
      }
    }
  }

  private static Object call(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * {@code value} as handed out through a tenant connection: statements, result sets and metadata
   * answer {@code getConnection()} with the tenant connection and {@code getStatement()} with the
   * wrapped statement, and refuse {@code unwrap}, so no path leads to the raw pooled connection.
   */
  private static Object wrap(Object value, Object connection) {
    if (value == null) {
      return null;
    }
    for (Class<?> type : new Class<?>[] {java.sql.CallableStatement.class, java.sql.PreparedStatement.class,
        java.sql.Statement.class, java.sql.ResultSet.class, java.sql.DatabaseMetaData.class}) {
      if (type.isInstance(value)) {
        return Proxy.newProxyInstance(TenantDataSource.class.getClassLoader(), new Class<?>[] {type},
            (proxy, m, a) -> switch (m.getName()) {
              case "getConnection" -> connection;
              case "unwrap", "isWrapperFor" -> {
                if (a[0] instanceof Class<?> c && c.isInstance(proxy)) {
                  yield m.getName().equals("unwrap") ? proxy : Boolean.TRUE;
                }
                if (m.getName().equals("isWrapperFor")) {
                  yield Boolean.FALSE;
                }
                throw new SQLException("a tenant connection does not hand out what it wraps");
              }
              case "equals" -> proxy == a[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> wrap(call(value, m, a), connection);
            });
      }
    }
    return value;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("a tenant data source hands out the pool's connections only");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("a tenant data source does not hand out what it wraps");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
