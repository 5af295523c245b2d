package dev.monetize.examples.analytics.domain;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * Where the analytics service keeps its customers' events, by tenant: every method names the
 * tenant, and an implementation returns that tenant's events only. {@link #inMemory()} for the demo;
 * the servlet example has a PostgreSQL one whose row-level security enforces the same a second time.
 */
public interface EventStore {
  /** Most events kept per tenant in the in-memory demo. */
  int MAX_EVENTS_PER_TENANT = 1_000_000;
  /**
   * Most memory the in-memory demo gives one tenant's events ({@link Event#approximateBytes}): a
   * million events of large properties would otherwise hold gigabytes.
   */
  long MAX_BYTES_PER_TENANT = 64L << 20;
  /** Most buckets in one time series. */
  int MAX_BUCKETS = 10_000;

  /** A new, empty in-memory store. */
  static EventStore inMemory() {
    return new InMemoryEventStore();
  }

  /**
   * Tells {@code listener} the tenant whose events changed, after each append. A listener that fails
   * (a shared cache out of reach) is logged and does not fail the append: the events are stored, and
   * answering the client an error would have it send them again, and pay for them twice.
   */
  EventStore onChange(java.util.function.Consumer<String> listener);

  /** Tells {@code listener} of {@code tenant}'s change; its failure is logged, never thrown. */
  static void tell(java.util.function.Consumer<String> listener, String tenant) {
    try {
      listener.accept(tenant);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(EventStore.class).warn("events of {} stored, but a listener of the change "
          + "failed ({}): its cached answers may be served until they expire", tenant, e.toString());
    }
  }

  /**
   * Takes reads offline, as a real store is during a failover or a maintenance window: until
   * {@link #resume()}, every read throws {@link StoreUnavailableException}.
   */
  void suspendReads();

  /** Takes reads back online. */
  void resume();

  /**
   * Stores events, all or none; returns how many were stored.
   *
   * @throws StoreUnavailableException when the store cannot be reached: nothing was stored, unless it
   *     stopped answering during the commit (the message says so)
   */
  int append(String tenant, List<Event> events);

  /** Aggregates of all the tenant's events. */
  Summary summary(String tenant);

  /** Event counts per interval over {@code [from, to)}, aligned to the interval in UTC, empty buckets included. */
  List<Bucket> timeseries(String tenant, Instant from, Instant to, Interval interval);

  /** Writes the tenant's events as NDJSON, oldest first. */
  void export(String tenant, OutputStream out) throws IOException;
}
