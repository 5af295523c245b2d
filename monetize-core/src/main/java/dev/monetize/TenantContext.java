package dev.monetize;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * The tenant (the customer id) of the admitted request the current thread serves, set by the
 * adapters around the endpoint (servlet filter, JAX-RS filters) and cleared after it. Host code
 * partitions its data by it, and carries it to work it starts on other threads with
 * {@link #propagate(Runnable)} or {@link #propagating(Executor)}: a thread never inherits a tenant
 * by accident (pooled threads would leak one tenant into another's work).
 *
 * <pre>{@code
 * String tenant = TenantContext.require();                  // in an endpoint
 * executor.submit(TenantContext.propagate(() -> export(TenantContext.require())));
 * }</pre>
 */
public final class TenantContext {
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
  /** The scope of a request on a thread that served no tenant before: one for all of them. */
  private static final Scope TO_NONE = new Scope(null);

  private TenantContext() {
  }

  /** The tenant of the request this thread serves; empty outside one. */
  public static Optional<String> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * The tenant of the request this thread serves.
   *
   * @throws IllegalStateException outside an admitted request: code that reads tenant data must not run there
   */
  public static String require() {
    String t = CURRENT.get();
    if (t == null) {
      throw new IllegalStateException("no tenant on this thread: read tenant data only while serving an admitted "
          + "request, or carry the tenant with TenantContext.propagate(...)");
    }
    return t;
  }

  /** A scope in which {@code tenant} is current; closing it restores what was current before. */
  public static Scope open(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    String before = CURRENT.get();
    CURRENT.set(tenant);
    return before == null ? TO_NONE : new Scope(before);
  }

  /** {@code task} running with the tenant current now (none when there is none). */
  public static Runnable propagate(Runnable task) {
    String tenant = CURRENT.get();
    return () -> {
      String before = CURRENT.get();
      set(tenant);
      try {
        task.run();
      } finally {
        set(before);
      }
    };
  }

  /** {@code task} running with the tenant current now (none when there is none). */
  public static <T> Callable<T> propagate(Callable<T> task) {
    String tenant = CURRENT.get();
    return () -> {
      String before = CURRENT.get();
      set(tenant);
      try {
        return task.call();
      } finally {
        set(before);
      }
    };
  }

  /** An executor whose tasks run with the tenant current when they were handed to it. */
  public static Executor propagating(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return task -> executor.execute(propagate(task));
  }

  /**
   * Sets the current tenant; none is a null value rather than a removed entry, so that a pooled
   * thread does not allocate a new entry for every request it serves.
   */
  private static void set(String tenant) {
    CURRENT.set(tenant);
  }

  /** What {@link #open} set, undone by {@link #close()}. */
  public static final class Scope implements AutoCloseable {
    private final String before;

    private Scope(String before) {
      this.before = before;
    }

    @Override
    public void close() {
      set(before);
    }
  }
}
