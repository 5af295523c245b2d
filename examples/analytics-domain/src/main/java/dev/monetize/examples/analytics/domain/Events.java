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

/** What every {@link EventStore} computes the same way from a tenant's events, wherever they are kept. */
public final class Events {
  private static final JsonFactory JSON = new JsonFactory();

  private Events() {
  }

  /** Aggregates of {@code events}. */
  public static Summary summary(List<Event> events) {
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

  /** Counts of {@code events} per interval over {@code [from, to)}, aligned to the interval in UTC, empty buckets included. */
  public static List<Bucket> timeseries(Iterable<Event> events, Instant from, Instant to, Interval interval) {
    long width = interval.length().toMillis();
    long start = Math.floorDiv(from.toEpochMilli(), width) * width;
    long end = to.toEpochMilli();
    long buckets = Math.max(0, Math.floorDiv(end - start + width - 1, width));
    if (buckets > EventStore.MAX_BUCKETS) {
      throw new BadInputException("the query would return " + buckets + " buckets (at most " + EventStore.MAX_BUCKETS + ")",
          "Use a larger interval or a shorter range.");
    }
    long[] counts = new long[(int) buckets];
    double[] sums = new double[(int) buckets];
    for (Event e : events) {
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

  /**
   * The answer of {@code GET /v1/stats/timeseries} for {@code tenant}, as every example sends it: the
   * range, the interval's name and the buckets, parsed from the raw query values (null when absent;
   * the interval defaults to an hour).
   *
   * @throws BadInputException naming the parameter that is wrong
   */
  public static Timeseries timeseriesAnswer(EventStore store, String tenant, List<String> from,
      List<String> to, List<String> interval, java.time.Clock clock) {
    return timeseriesAnswer(store, tenant, one("from", from), one("to", to), one("interval", interval), clock);
  }

  /**
   * The one value of the query parameter {@code name} among {@code values} (null or empty: not given);
   * given twice it is refused, in every example alike (which one a framework keeps differs).
   */
  public static String one(String name, List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new BadInputException("Query parameter '" + name + "' is given twice.", "Send it once.");
    }
    return values.get(0);
  }

  /** The same, of one value each (null: not given). */
  public static Timeseries timeseriesAnswer(EventStore store, String tenant, String from,
      String to, String interval, java.time.Clock clock) {
    TimeRange range = TimeRange.parse(from, to, clock);
    Interval step = Interval.parse(interval == null ? "hour" : interval);
    return new Timeseries(range.from(), range.to(), step.name().toLowerCase(java.util.Locale.ROOT),
        store.timeseries(tenant, range.from(), range.to(), step));
  }

  /** Writes {@code events} as NDJSON, in their order. */
  public static void export(List<Event> events, OutputStream out) throws IOException {
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
