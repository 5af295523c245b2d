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
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link UsageSink} that exports usage to a billing provider, one event per record (CloudEvents
 * 1.0 JSON) or per record and unit (a Stripe meter event in Stripe's form encoding), through a
 * {@link Transport} ({@link WebhookTransport}, {@link StripeTransport}, or your own). Each event's
 * id is derived from the record (customer, key, operation, status, interval, unit), so a record
 * delivered again gets the same id and a provider that deduplicates by it never bills it twice.
 *
 * <p>A batch is accepted only when each of its events was delivered or kept in the
 * {@link DeadLetterStore}: if the store cannot keep them, {@link #accept} throws and the usage
 * journal offers the batch again. Nothing is dropped, and nothing undelivered is reported as
 * delivered; {@link #retryDeadLetters()} (or the CLI's {@code dead-letters replay}) sends them again.
 *
 * <pre>{@code
 * UsageExport export = UsageExport.cloudEvents("https://api.example.com",
 *     WebhookTransport.builder(URI.create("https://billing.example.com/usage"), secret).build(),
 *     DeadLetterStore.inDirectory(journalDirectory));
 * Monetize.builder().usageSink(export) ...
 * }</pre>
 */
public final class UsageExport implements UsageSink {
  private static final Logger LOG = LoggerFactory.getLogger(UsageExport.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Dead letters replayed at once, at most. */
  private static final int REPLAY_BATCH = 1_000;

  /** One event as it goes on the wire, with its deterministic id. */
  public record Event(String id, String body) {
    /** Validates. */
    public Event {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(body, "body");
    }
  }

  /** What the provider answered (for {@link Transport#perEvent}). */
  public record Answer(int status, String body) {
    /** Validates. */
    public Answer {
      Objects.requireNonNull(body, "body");
    }
  }

  /** An event the provider did not take, with why. */
  public record DeadLetter(String id, String event, String reason) {
    /** Validates. */
    public DeadLetter {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** How events reach the provider. */
  @FunctionalInterface
  public interface Transport {
    /** Sends {@code events}; returns those the provider did not take, each with why (empty: all taken). */
    List<DeadLetter> send(List<Event> events);

    /**
     * Why this transport would refuse every event now, without sending (its URL's host resolves to a
     * private or local address and private networks are not allowed); empty when it would try. A
     * replay of dead letters asks first, so that letters keep their reasons.
     */
    default Optional<String> refusal() {
      return Optional.empty();
    }

    /** One call of {@code delivery} per event; anything but a 2xx answer, or a throw, is a dead letter. */
    static Transport perEvent(Function<String, Answer> delivery) {
      Objects.requireNonNull(delivery, "delivery");
      return events -> {
        List<DeadLetter> dead = new ArrayList<>();
        for (Event e : events) {
          String reason;
          try {
            Answer a = delivery.apply(e.body());
            if (a != null && a.status() >= 200 && a.status() < 300) {
              continue;
            }
            reason = a == null ? "no answer" : "answered " + a.status() + ": " + abbreviate(a.body());
          } catch (RuntimeException ex) {
            reason = "failed: " + ex;
          }
          dead.add(new DeadLetter(e.id(), e.body(), reason));
        }
        return dead;
      };
    }
  }

  /**
   * The wire form of an export's events. A dead letter tells its own: CloudEvents JSON begins with
   * <code>{</code>, a Stripe meter event is a form. A replay sends only the letters of its own form, so
   * exports that share one {@link DeadLetterStore} never send each other's letters.
   */
  public enum Format {
    /** CloudEvents 1.0 JSON ({@link #cloudEvents}). */
    CLOUD_EVENTS,
    /** Stripe meter events, form-encoded ({@link #stripe}). */
    STRIPE;

    /** The form of {@code event}, a letter's body. */
    public static Format of(String event) {
      return event.startsWith("{") ? CLOUD_EVENTS : STRIPE;
    }
  }

  /** The {@code source} of a record's letter kept because it could not be made an event (no Stripe customer yet). */
  private static final String UNSHAPED = "unshaped";

  private final Function<UsageRecord, List<Event>> shape;
  private final Format format;
  private final Transport transport;
  private final DeadLetterStore dead;

  private UsageExport(Function<UsageRecord, List<Event>> shape, Format format, Transport transport,
      DeadLetterStore dead) {
    this.shape = shape;
    this.format = format;
    this.transport = Objects.requireNonNull(transport, "transport");
    this.dead = Objects.requireNonNull(dead, "dead letters");
  }

  /** CloudEvents 1.0 JSON events with {@code source}, sent by {@code transport}. */
  public static UsageExport cloudEvents(String source, Transport transport, DeadLetterStore deadLetters) {
    Objects.requireNonNull(source, "source");
    return new UsageExport(r -> cloudEvents(r, source), Format.CLOUD_EVENTS, transport, deadLetters);
  }

  /** CloudEvents, one {@code delivery} call per event, dead letters in memory (tests, trials). */
  public static UsageExport cloudEvents(String source, Function<String, Answer> delivery) {
    return cloudEvents(source, Transport.perEvent(delivery), DeadLetterStore.inMemory());
  }

  /** Stripe meter events, form-encoded; {@code stripeCustomer} maps our customer ids to Stripe's. */
  public static UsageExport stripe(Function<String, String> stripeCustomer, Transport transport,
      DeadLetterStore deadLetters) {
    Objects.requireNonNull(stripeCustomer, "stripeCustomer");
    return new UsageExport(r -> stripeEvents(r, stripeCustomer), Format.STRIPE, transport, deadLetters);
  }

  /** Stripe meter events, one {@code delivery} call per event, dead letters in memory (tests, trials). */
  public static UsageExport stripe(Function<String, String> stripeCustomer, Function<String, Answer> delivery) {
    return stripe(stripeCustomer, Transport.perEvent(delivery), DeadLetterStore.inMemory());
  }

  /** Sends the batch's events; what the provider did not take is kept as dead letters before this returns. */
  @Override
  public void accept(List<UsageRecord> batch) {
    List<Event> events = new ArrayList<>();
    List<DeadLetter> unshaped = new ArrayList<>();
    for (UsageRecord r : batch) {
      try {
        events.addAll(shape.apply(r));
      } catch (RuntimeException e) { // e.g. no Stripe customer yet: kept and visible, the rest flows
        // an id of its own: a CloudEvents export sharing the store keeps the same record as eventId(r, "record")
        unshaped.add(new DeadLetter(eventId(r, UNSHAPED), cloudEvents(r, UNSHAPED).get(0).body(),
            "could not be made an event: " + e.getMessage()));
      }
    }
    List<DeadLetter> dead = new ArrayList<>(unshaped);
    dead.addAll(send(events));
    keep(dead);
  }

  private List<DeadLetter> send(List<Event> events) {
    try {
      return transport.send(events);
    } catch (RuntimeException e) {
      return events.stream().map(ev -> new DeadLetter(ev.id(), ev.body(), "failed: " + e)).toList();
    }
  }

  private void keep(List<DeadLetter> letters) {
    if (!letters.isEmpty()) {
      dead.add(letters); // throws when it cannot: the batch is not acknowledged and comes again
      LOG.warn("{} usage events not delivered ({}); kept as dead letters", letters.size(), letters.get(0).reason());
    }
  }

  /** Events not delivered yet, oldest first (at most 1,000). */
  public List<DeadLetter> deadLetters() {
    return dead.list(REPLAY_BATCH);
  }

  /**
   * Sends the dead letters of this export's form again (up to 1,000 letters looked at); a record kept
   * because it could not be made an event (no Stripe customer yet) is made its events now and sends
   * them. Letters of another form (another export sharing the store) are left as they are. Returns
   * how many letters the store still holds.
   */
  public int retryDeadLetters() {
    // a kept record is a Stripe export's (a CloudEvents export makes every record an event): only it remakes one
    return replay(dead, transport, format, format == Format.STRIPE ? shape : null);
  }

  /**
   * Sends the letters of {@code store} in {@code format} through {@code transport}; letters of the
   * other form, and records kept because they could not be made events (their export makes them
   * events when it retries), are left as they are. Returns how many letters the store still holds.
   */
  public static int replay(DeadLetterStore store, Transport transport, Format format) {
    return replay(store, transport, format, null);
  }

  /**
   * What {@link #replayAll} did.
   *
   * @param delivered letters the provider took (forgotten)
   * @param failed letters this replay sent that are still dead (refused again, with their new reasons)
   * @param left every letter the store holds now (those of the other form and kept records included)
   */
  public record Replayed(int delivered, int failed, int left) {}

  /**
   * Sends every letter of {@code store} in {@code format} once, 1,000 at a time (a batch the provider
   * refuses does not stop the next), as {@link #replay} sends one batch.
   */
  public static Replayed replayAll(DeadLetterStore store, Transport transport, Format format) {
    java.util.Set<String> tried = new java.util.HashSet<>();
    int delivered = 0;
    int[] round; // letters taken, letters delivered
    do {
      round = batch(store, transport, format, null, tried);
      delivered += round[1];
    } while (round[0] > 0);
    int failed = 0;
    List<DeadLetter> left = store.list(Integer.MAX_VALUE);
    for (DeadLetter d : left) {
      failed += tried.contains(d.id()) ? 1 : 0;
    }
    return new Replayed(delivered, failed, left.size());
  }

  private static int replay(DeadLetterStore store, Transport transport, Format format,
      Function<UsageRecord, List<Event>> reshape) {
    batch(store, transport, format, reshape, null);
    return store.list(Integer.MAX_VALUE).size();
  }

  /**
   * Sends one batch of the letters in {@code format} not in {@code tried} (null: none tried), adding
   * those it takes to it; returns how many it took and how many of them were delivered.
   */
  private static int[] batch(DeadLetterStore store, Transport transport, Format format,
      Function<UsageRecord, List<Event>> reshape, java.util.Set<String> tried) {
    List<Event> events = new ArrayList<>();
    List<String> settled = new ArrayList<>(); // letters whose events are sent (or kept anew) here
    List<DeadLetter> still = new ArrayList<>();
    int taken = 0;
    // its own letters, up to a batch, wherever they are among the others' (a store holds at most 50,000)
    for (DeadLetter d : store.list(Integer.MAX_VALUE)) {
      if (taken == REPLAY_BATCH) {
        break;
      }
      if (tried != null && !tried.add(d.id())) {
        continue; // sent once by this replay already
      }
      Optional<UsageRecord> record = unshaped(d);
      if (record.isPresent() ? reshape == null : Format.of(d.event()) != format) {
        if (tried != null) {
          tried.remove(d.id()); // not this replay's to send
        }
        continue; // another export's (a kept record: only its Stripe export knows how to make it events)
      }
      taken++;
      if (record.isPresent()) {
        try {
          events.addAll(reshape.apply(record.get()));
          settled.add(d.id());
        } catch (RuntimeException e) {
          still.add(new DeadLetter(d.id(), d.event(), "could not be made an event: " + e.getMessage()));
        }
      } else {
        events.add(new Event(d.id(), d.event()));
        settled.add(d.id());
      }
    }
    if (!events.isEmpty()) {
      try {
        still.addAll(transport.send(events));
      } catch (RuntimeException e) {
        events.forEach(ev -> still.add(new DeadLetter(ev.id(), ev.body(), "failed: " + e)));
      }
    }
    java.util.Set<String> stillIds = new java.util.HashSet<>();
    still.forEach(d -> stillIds.add(d.id()));
    List<String> delivered = settled.stream().filter(id -> !stillIds.contains(id)).toList();
    // in one change: the newest reasons (a record made events: each event its own letter), and the delivered gone
    store.replace(delivered, still);
    return new int[] {taken, delivered.size()};
  }

  /** The record a letter keeps because it could not be made an event, when it is one. */
  private static Optional<UsageRecord> unshaped(DeadLetter d) {
    if (!d.event().startsWith("{")) {
      return Optional.empty();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode e = JSON.readTree(d.event());
      if (!UNSHAPED.equals(e.path("source").asText())) {
        return Optional.empty();
      }
      com.fasterxml.jackson.databind.JsonNode data = e.path("data");
      Map<String, Long> units = new TreeMap<>();
      data.path("quantities").fields().forEachRemaining(q -> units.put(q.getKey(), q.getValue().asLong()));
      long calls = units.getOrDefault("calls", 0L);
      long bytesOut = units.getOrDefault("bytes_out", 0L);
      long bytesIn = units.getOrDefault("bytes_in", 0L);
      long computeMs = units.getOrDefault("compute_ms", 0L);
      long cpuMs = units.getOrDefault("cpu_ms", 0L);
      for (String builtIn : List.of("calls", "bytes_out", "bytes_in", "compute_ms", "cpu_ms")) {
        units.remove(builtIn);
      }
      return Optional.of(new UsageRecord(data.path("customer_id").asText(), data.path("key_id").asText(),
          data.path("operation").asText(), data.path("status").asInt(), data.path("overage").asBoolean(),
          java.time.Instant.parse(data.path("period_start").asText()),
          java.time.Instant.parse(data.path("period_end").asText()), calls, bytesIn, bytesOut, computeMs * 1_000,
          cpuMs * 1_000, units));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty(); // not a record's letter: sent as the CloudEvent it is
    }
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

  private static List<Event> cloudEvents(UsageRecord r, String source) {
    List<Event> out = new ArrayList<>();
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
    out.add(new Event(id, write(e)));
    return out;
  }

  private static List<Event> stripeEvents(UsageRecord r, Function<String, String> stripeCustomer) {
    List<Event> out = new ArrayList<>();
    String customer = stripeCustomer.apply(r.customerId());
    if (customer == null || customer.isBlank()) {
      throw new IllegalArgumentException("no Stripe customer for customer " + r.customerId());
    }
    for (Map.Entry<String, Long> q : quantities(r).entrySet()) {
      if (q.getValue() == 0) {
        continue;
      }
      String id = eventId(r, q.getKey());
      // Stripe's wire format: form-encoded, nested fields in brackets
      String form = "event_name=" + form(r.operationId() + "." + q.getKey())
          + "&payload%5Bstripe_customer_id%5D=" + form(customer)
          + "&payload%5Bvalue%5D=" + q.getValue()
          + "&identifier=" + form(id)
          + "&timestamp=" + r.to().minusNanos(1).getEpochSecond(); // inside the interval (and its period)
      out.add(new Event(id, form));
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

  private static String form(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
