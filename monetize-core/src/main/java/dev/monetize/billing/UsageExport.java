package dev.monetize.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link UsageSink} that exports usage to a billing provider, one event per record and unit, in
 * one of two shapes: CloudEvents 1.0 JSON, or a Stripe meter event ({@code event_name},
 * {@code payload.stripe_customer_id}, {@code payload.value}, {@code identifier}, {@code timestamp}).
 * Each event's id is derived from the record (customer, key, operation, status, interval, unit), so
 * a record delivered again gets the same id and a provider that deduplicates by it never bills it
 * twice. The provider's answer is validated; an event it refuses, or that fails, goes to a
 * dead-letter store from which {@link #retryDeadLetters()} delivers it again. Nothing is dropped.
 *
 * <pre>{@code
 * UsageExport stripe = UsageExport.stripe(customerId -> stripeIds.get(customerId),
 *     json -> http.post("https://api.stripe.com/v1/billing/meter_events", json));
 * Monetize.builder().usageSink(stripe) ...
 * }</pre>
 */
public final class UsageExport implements UsageSink {
  private static final Logger LOG = LoggerFactory.getLogger(UsageExport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the provider answered. */
  public record Answer(int status, String body) {
    /** Validates. */
    public Answer {
      Objects.requireNonNull(body, "body");
    }
  }

  /** An event the provider did not take, with why. */
  public record DeadLetter(String id, String event, String reason) {}

  private final Function<UsageRecord, List<Map.Entry<String, String>>> shape;
  private final Function<String, Answer> delivery;
  private final List<DeadLetter> dead = new CopyOnWriteArrayList<>();

  private UsageExport(Function<UsageRecord, List<Map.Entry<String, String>>> shape, Function<String, Answer> delivery) {
    this.shape = shape;
    this.delivery = Objects.requireNonNull(delivery, "delivery");
  }

  /** CloudEvents 1.0 JSON events with {@code source}, delivered by {@code delivery}. */
  public static UsageExport cloudEvents(String source, Function<String, Answer> delivery) {
    Objects.requireNonNull(source, "source");
    return new UsageExport(r -> cloudEvents(r, source), delivery);
  }

  /** Stripe-shaped meter events; {@code stripeCustomer} maps our customer ids to Stripe's. */
  public static UsageExport stripe(Function<String, String> stripeCustomer, Function<String, Answer> delivery) {
    Objects.requireNonNull(stripeCustomer, "stripeCustomer");
    return new UsageExport(r -> stripeEvents(r, stripeCustomer), delivery);
  }

  @Override
  public void accept(List<UsageRecord> batch) {
    for (UsageRecord r : batch) {
      for (Map.Entry<String, String> e : shape.apply(r)) {
        deliver(e.getKey(), e.getValue());
      }
    }
  }

  private boolean deliver(String id, String event) {
    String reason;
    try {
      Answer a = delivery.apply(event);
      if (a != null && a.status() >= 200 && a.status() < 300) {
        return true;
      }
      reason = a == null ? "no answer" : "answered " + a.status() + ": " + abbreviate(a.body());
    } catch (RuntimeException e) {
      reason = "failed: " + e;
    }
    dead.add(new DeadLetter(id, event, reason));
    LOG.warn("usage event {} not delivered ({}); kept as a dead letter", id, reason);
    return false;
  }

  /** Events not delivered yet. */
  public List<DeadLetter> deadLetters() {
    return List.copyOf(dead);
  }

  /** Delivers every dead letter again; returns how many are still dead. */
  public int retryDeadLetters() {
    List<DeadLetter> retry = new ArrayList<>(dead);
    dead.removeAll(retry);
    for (DeadLetter d : retry) {
      deliver(d.id(), d.event());
    }
    return dead.size();
  }

  /** The deterministic id of {@code record}'s event for {@code unit}. */
  public static String eventId(UsageRecord r, String unit) {
    return UUID.nameUUIDFromBytes((r.id() + "|" + unit).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The quantities of a record: calls, bytes_out, compute_ms, bytes_in and cpu_ms when not zero, and
   * its custom units.
   */
  static Map<String, Long> quantities(UsageRecord r) {
    Map<String, Long> q = new TreeMap<>();
    q.put("calls", r.calls());
    q.put("bytes_out", r.bytesOut());
    q.put("compute_ms", r.durationMicros() / 1_000);
    if (r.bytesIn() != 0) {
      q.put("bytes_in", r.bytesIn());
    }
    if (r.cpuMicros() >= 1_000) {
      q.put("cpu_ms", r.cpuMicros() / 1_000);
    }
    q.putAll(r.units());
    return q;
  }

  private static List<Map.Entry<String, String>> cloudEvents(UsageRecord r, String source) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    String id = eventId(r, "record");
    ObjectNode e = JSON.createObjectNode();
    e.put("specversion", "1.0");
    e.put("id", id);
    e.put("source", source);
    e.put("type", "dev.monetize.usage.v1");
    e.put("subject", r.customerId());
    e.put("time", r.to().toString());
    e.put("datacontenttype", "application/json");
    ObjectNode data = e.putObject("data");
    data.put("customer_id", r.customerId());
    data.put("key_id", r.keyId());
    data.put("operation", r.operationId());
    data.put("status", r.status());
    data.put("overage", r.overage());
    data.put("period_start", r.from().toString());
    data.put("period_end", r.to().toString());
    ObjectNode q = data.putObject("quantities");
    quantities(r).forEach(q::put);
    out.add(Map.entry(id, write(e)));
    return out;
  }

  private static List<Map.Entry<String, String>> stripeEvents(UsageRecord r, Function<String, String> stripeCustomer) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    String customer = stripeCustomer.apply(r.customerId());
    if (customer == null || customer.isBlank()) {
      throw new IllegalArgumentException("no Stripe customer for customer " + r.customerId());
    }
    for (Map.Entry<String, Long> q : quantities(r).entrySet()) {
      if (q.getValue() == 0) {
        continue;
      }
      String id = eventId(r, q.getKey());
      ObjectNode e = JSON.createObjectNode();
      e.put("event_name", r.operationId() + "." + q.getKey());
      ObjectNode payload = e.putObject("payload");
      payload.put("stripe_customer_id", customer);
      payload.put("value", Long.toString(q.getValue()));
      e.put("identifier", id);
      e.put("timestamp", r.to().getEpochSecond());
      out.add(Map.entry(id, write(e)));
    }
    return out;
  }

  private static String write(ObjectNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
