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
 * In-memory event storage, partitioned by tenant: each tenant has its own list behind its own lock,
 * and every query names the tenant, so one tenant's data is never reachable from another's.
 */
public final class EventStore {
  /** Most events kept per tenant in this demo. */
  public static final int MAX_EVENTS_PER_TENANT = 1_000_000;
  /** Most buckets in one time series. */
  public static final int MAX_BUCKETS = 10_000;
  private static final JsonFactory JSON = new JsonFactory();

  private final ConcurrentHashMap<String, List<Event>> byTenant = new ConcurrentHashMap<>();
  /** Told the tenant after its events changed (the examples drop its cached summary). */
  private volatile java.util.function.Consumer<String> changed = tenant -> {};

  /** Tells {@code listener} the tenant whose events changed, after each append. */
  public EventStore onChange(java.util.function.Consumer<String> listener) {
    this.changed = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  private List<Event> tenant(String tenant) {
    return byTenant.computeIfAbsent(tenant, t -> new ArrayList<>());
  }

  /**
   * Takes reads offline, as a real store is during a failover or a maintenance window: until
   * {@link #resume()}, every read throws {@link IllegalStateException} (the examples' cached answers
   * are then served stale, within their {@code stale_if_error} window).
   */
  public void suspendReads() {
    suspended = true;
  }

  /** Takes reads back online. */
  public void resume() {
    suspended = false;
  }

  private volatile boolean suspended;

  private List<Event> snapshot(String tenant) {
    if (suspended) {
      throw new IllegalStateException("the event store is offline for maintenance");
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
  public int append(String tenant, List<Event> events) {
    List<Event> list = tenant(tenant);
    synchronized (list) {
      if (list.size() + events.size() > MAX_EVENTS_PER_TENANT) {
        throw new BadInputException("storage full for this demo: at most " + MAX_EVENTS_PER_TENANT
            + " events per customer", "Restart the demo service to start from empty storage.");
      }
      list.addAll(events);
    }
    changed.accept(tenant);
    return events.size();
  }

  /** Aggregates of all the tenant's events. */
  public Summary summary(String tenant) {
    List<Event> events = snapshot(tenant);
    Set<String> users = new HashSet<>();
    TreeMap<String, Long> byType = new TreeMap<>();
    double sum = 0;
    Instant first = null;
    Instant last = null;
    for (Event e : events) {
      e.userId().ifPresent(users::add);
      byType.merge(e.type(), 1L, Long::sum);
      sum += e.value();
      first = first == null || e.timestamp().isBefore(first) ? e.timestamp() : first;
      last = last == null || e.timestamp().isAfter(last) ? e.timestamp() : last;
    }
    return new Summary(events.size(), users.size(), sum, byType, Optional.ofNullable(first), Optional.ofNullable(last));
  }

  /** Event counts per interval over {@code [from, to)}, aligned to the interval in UTC, empty buckets included. */
  public List<Bucket> timeseries(String tenant, Instant from, Instant to, Interval interval) {
    long width = interval.length().toMillis();
    long start = Math.floorDiv(from.toEpochMilli(), width) * width;
    long end = to.toEpochMilli();
    long buckets = Math.max(0, Math.floorDiv(end - start + width - 1, width));
    if (buckets > MAX_BUCKETS) {
      throw new BadInputException("the query would return " + buckets + " buckets (at most " + MAX_BUCKETS + ")",
          "Use a larger interval or a shorter range.");
    }
    long[] counts = new long[(int) buckets];
    double[] sums = new double[(int) buckets];
    for (Event e : snapshot(tenant)) {
      long t = e.timestamp().toEpochMilli();
      if (t >= from.toEpochMilli() && t < end) {
        int i = (int) ((t - start) / width);
        counts[i]++;
        sums[i] += e.value();
      }
    }
    List<Bucket> out = new ArrayList<>((int) buckets);
    for (int i = 0; i < buckets; i++) {
      out.add(new Bucket(Instant.ofEpochMilli(start + i * width), counts[i], sums[i]));
    }
    return out;
  }

  /** Writes the tenant's events as NDJSON, oldest first. */
  public void export(String tenant, OutputStream out) throws IOException {
    List<Event> events = snapshot(tenant);
    events.sort(Comparator.comparing(Event::timestamp));
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.setRootValueSeparator(new SerializedString("\n"));
      for (Event e : events) {
        g.writeStartObject();
        g.writeStringField("type", e.type());
        g.writeStringField("timestamp", e.timestamp().toString());
        if (e.userId().isPresent()) {
          g.writeStringField("user_id", e.userId().get());
        }
        g.writeNumberField("value", e.value());
        g.writeObjectFieldStart("properties");
        for (Map.Entry<String, String> p : e.properties().entrySet()) {
          g.writeStringField(p.getKey(), p.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      if (!events.isEmpty()) {
        g.writeRaw('\n');
      }
    }
  }
}
