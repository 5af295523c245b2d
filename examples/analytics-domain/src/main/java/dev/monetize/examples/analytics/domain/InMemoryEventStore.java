package dev.monetize.examples.analytics.domain;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link EventStore} in memory, for the demo and the tests. In-memory event storage, partitioned by tenant: each tenant has its own list behind its own lock,
 * and every query names the tenant, so one tenant's data is never reachable from another's.
 */
public final class InMemoryEventStore implements EventStore {

  private final ConcurrentHashMap<String, List<Event>> byTenant = new ConcurrentHashMap<>();
  /** The bytes each tenant's events hold ({@link Event#approximateBytes}), changed under the tenant's list's lock. */
  private final ConcurrentHashMap<String, Long> bytesByTenant = new ConcurrentHashMap<>();
  /** Told the tenant after its events changed (the examples drop its cached summary). */
  private volatile java.util.function.Consumer<String> changed = tenant -> {};

  /** Tells {@code listener} the tenant whose events changed, after each append. */
  @Override
  public EventStore onChange(java.util.function.Consumer<String> listener) {
    this.changed = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  private List<Event> tenant(String tenant) {
    return byTenant.computeIfAbsent(tenant, t -> new ArrayList<>());
  }

  /**
   * Takes reads offline, as a real store is during a failover or a maintenance window: until
   * {@link #resume()}, every read throws {@link StoreUnavailableException} (the examples' cached answers
   * are then served stale, within their {@code stale_if_error} window).
   */
  @Override
  public void suspendReads() {
    suspended = true;
  }

  /** Takes reads back online. */
  @Override
  public void resume() {
    suspended = false;
  }

  private volatile boolean suspended;

  private List<Event> snapshot(String tenant) {
    if (suspended) {
      throw new StoreUnavailableException("The event store is offline for maintenance.");
    }
    List<Event> events = byTenant.get(tenant);
    if (events == null) {
      return new ArrayList<>();
    }
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  /** Stores events; returns how many were stored. */
  @Override
  public int append(String tenant, List<Event> events) {
    List<Event> list = tenant(tenant);
    long adding = 0;
    for (Event e : events) {
      adding += e.approximateBytes();
    }
    synchronized (list) {
      long held = bytesByTenant.getOrDefault(tenant, 0L);
      if (list.size() + events.size() > MAX_EVENTS_PER_TENANT || held + adding > MAX_BYTES_PER_TENANT) {
        throw new BadInputException("storage full for this demo: at most " + MAX_EVENTS_PER_TENANT
            + " events and " + (MAX_BYTES_PER_TENANT >> 20) + " MiB per customer",
            "Restart the demo service to start from empty storage.");
      }
      list.addAll(events);
      bytesByTenant.put(tenant, held + adding);
    }
    EventStore.tell(changed, tenant);
    return events.size();
  }

  @Override
  public Summary summary(String tenant) {
    return Events.summary(snapshot(tenant));
  }

  @Override
  public List<Bucket> timeseries(String tenant, Instant from, Instant to, Interval interval) {
    return Events.timeseries(snapshot(tenant), from, to, interval);
  }

  @Override
  public void export(String tenant, OutputStream out) throws IOException {
    List<Event> events = snapshot(tenant);
    events.sort(Comparator.comparing(Event::timestamp));
    Events.export(events, out);
  }
}
