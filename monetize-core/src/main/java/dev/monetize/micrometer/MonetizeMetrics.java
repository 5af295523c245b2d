package dev.monetize.micrometer;

import dev.monetize.MetricsSnapshot;
import dev.monetize.Monetize;
import dev.monetize.insight.RequestListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds the engine to a Micrometer registry (Micrometer is an optional dependency: add
 * {@code micrometer-core} to use this class). Every tag takes bounded values only: {@code plan}
 * and {@code operation} from the catalog ({@code none} for a caller never identified),
 * {@code outcome} ({@code admitted} or an error code), {@code status_class} ({@code 2xx} ...) and
 * {@code unit} (the standard units, {@code cache_hits}, the units the plans price, else
 * {@code other}); never a customer, key or address.
 *
 * <pre>{@code
 * MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * MonetizeMetrics metrics = new MonetizeMetrics(monetize);
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><td>{@code monetize.requests}</td><td>timer with SLO buckets: plan, operation, outcome, status_class</td></tr>
 *   <tr><td>{@code monetize.usage.units}</td><td>counter of reported units: plan, operation, unit</td></tr>
 *   <tr><td>{@code monetize.limiter.calls}, {@code .outages}, {@code .fallbacks}</td><td>limiter store round trips</td></tr>
 *   <tr><td>{@code monetize.limiter.late_charges}</td><td>result: returned, standing (a shared store's charges
 *   for requests answered without it)</td></tr>
 *   <tr><td>{@code monetize.shed}</td><td>requests refused by load shedding</td></tr>
 *   <tr><td>{@code monetize.usage.pending}, {@code monetize.usage.delivery.age}, {@code monetize.usage.sink.failures}</td><td>the usage journal's backlog and delivery lag</td></tr>
 *   <tr><td>{@code monetize.audit.queued}, {@code .dropped}, {@code .spilled}, {@code .sink.failures}</td><td>the audit hand-off</td></tr>
 *   <tr><td>{@code monetize.cache.requests}</td><td>result: hit, miss, store</td></tr>
 *   <tr><td>{@code monetize.shield.refusals}</td><td>reason: denied, banned, rate_limited, malformed_key; and {@code monetize.shield.bans}</td></tr>
 *   <tr><td>{@code monetize.in_flight}</td><td>requests admitted and not completed</td></tr>
 *   <tr><td>{@code monetize.events.dropped}</td><td>lifecycle events dropped (a full queue)</td></tr>
 * </table>
 */
@SuppressWarnings("exports") // Micrometer is the caller's: an optional dependency it brings itself
public final class MonetizeMetrics implements MeterBinder, AutoCloseable {
  /** The request timer's service-level buckets. */
  public static final Duration[] SLO_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final Monetize monetize;
  private volatile Listener listener;

  /** A binder for {@code monetize}. */
  public MonetizeMetrics(Monetize monetize) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    java.util.Set<String> units = new java.util.HashSet<>(dev.monetize.metering.UsageTotals.Totals.STANDARD_UNITS);
    units.add("cache_hits");
    monetize.catalog().plans().forEach(p -> p.usagePrices().values().forEach(m -> units.addAll(m.keySet())));
    Listener l = new Listener(registry, java.util.Set.copyOf(units));
    monetize.addRequestListener(l);
    listener = l;
    counter(registry, "monetize.limiter.calls", "limit checks handed to the limiter store", MetricsSnapshot::limiterStoreCalls);
    counter(registry, "monetize.limiter.outages", "requests refused because the limiter store was unreachable",
        MetricsSnapshot::limiterStoreOutages);
    counter(registry, "monetize.limiter.fallbacks", "decisions taken by the fallback store", MetricsSnapshot::limiterFallbacks);
    for (Map.Entry<String, ToDoubleFunction<MetricsSnapshot>> late : Map.<String, ToDoubleFunction<MetricsSnapshot>>of(
        "returned", MetricsSnapshot::limiterLateChargesReturned, "standing", MetricsSnapshot::limiterLateChargesStanding)
        .entrySet()) {
      FunctionCounter.builder("monetize.limiter.late_charges", monetize, m -> late.getValue().applyAsDouble(m.metrics()))
          .description("charges of a shared limiter store whose reply came after the request was answered without it")
          .tag("result", late.getKey()).register(registry);
    }
    counter(registry, "monetize.shed", "requests refused by load shedding", MetricsSnapshot::shedRequests);
    counter(registry, "monetize.usage.sink.failures", "usage deliveries the sink refused", MetricsSnapshot::usageSinkFailures);
    counter(registry, "monetize.audit.dropped", "audit events dropped", MetricsSnapshot::auditEventsDropped);
    counter(registry, "monetize.audit.spilled", "audit events spilled to disk", MetricsSnapshot::auditSpilled);
    counter(registry, "monetize.audit.sink.failures", "audit batches the sink refused", MetricsSnapshot::auditSinkFailures);
    counter(registry, "monetize.shield.bans", "addresses banned by this node", MetricsSnapshot::bansIssued);
    counter(registry, "monetize.events.dropped", "lifecycle events dropped because their queue was full",
        MetricsSnapshot::eventsDropped);
    for (Map.Entry<String, ToDoubleFunction<MetricsSnapshot>> cache : Map.<String, ToDoubleFunction<MetricsSnapshot>>of(
        "hit", MetricsSnapshot::cacheHits, "miss", MetricsSnapshot::cacheMisses, "store", MetricsSnapshot::cacheStores)
        .entrySet()) {
      FunctionCounter.builder("monetize.cache.requests", monetize, m -> cache.getValue().applyAsDouble(m.metrics()))
          .description("response cache lookups and stores").tag("result", cache.getKey()).register(registry);
    }
    for (Map.Entry<String, ToDoubleFunction<MetricsSnapshot>> s : Map.<String, ToDoubleFunction<MetricsSnapshot>>of(
        "denied", MetricsSnapshot::shieldDenied, "banned", MetricsSnapshot::shieldBanned,
        "rate_limited", MetricsSnapshot::shieldRateLimited, "malformed_key", MetricsSnapshot::malformedKeyRefusals)
        .entrySet()) {
      FunctionCounter.builder("monetize.shield.refusals", monetize, m -> s.getValue().applyAsDouble(m.metrics()))
          .description("requests refused before any store was asked").tag("reason", s.getKey()).register(registry);
    }
    gauge(registry, "monetize.in_flight", "requests admitted and not yet completed", MetricsSnapshot::inFlight);
    gauge(registry, "monetize.usage.pending", "usage records waiting for the sink", MetricsSnapshot::usagePending);
    Gauge.builder("monetize.usage.delivery.age", monetize, m -> m.metrics().usageDeliveryAgeMillis() / 1_000.0)
        .description("seconds since the usage sink last took everything pending").baseUnit("seconds").register(registry);
    gauge(registry, "monetize.audit.queued", "audit events waiting in the hand-off queue", MetricsSnapshot::auditQueued);
  }

  private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<MetricsSnapshot> f) {
    FunctionCounter.builder(name, monetize, m -> f.applyAsDouble(m.metrics())).description(description)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<MetricsSnapshot> f) {
    Gauge.builder(name, monetize, m -> f.applyAsDouble(m.metrics())).description(description).register(registry);
  }

  /** Stops recording requests (the function meters stay with the registry). */
  @Override
  public void close() {
    Listener l = listener;
    if (l != null) {
      monetize.removeRequestListener(l);
    }
  }

  /**
   * Records each request into a timer found without allocating: the meters of a plan's operation
   * in two lookups, then its outcome ({@code admitted} without a lookup) and status class.
   */
  private static final class Listener implements RequestListener {
    private final MeterRegistry registry;
    /** The units a tag may name: those the catalog prices and the standard ones; any other counts as {@code other}. */
    private final java.util.Set<String> knownUnits;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, OperationMeters>> meters = new ConcurrentHashMap<>();

    /** The meters of one operation on one plan, each made when first needed. */
    private static final class OperationMeters {
      final String plan;
      final String operation;
      /** By status class, for the outcome {@code admitted}. */
      final Timer[] admitted = new Timer[STATUS_CLASSES.length];
      final ConcurrentHashMap<String, Timer[]> refused = new ConcurrentHashMap<>();
      final ConcurrentHashMap<String, Counter> units = new ConcurrentHashMap<>();
      volatile Counter calls;

      OperationMeters(String plan, String operation) {
        this.plan = plan;
        this.operation = operation;
      }
    }

    Listener(MeterRegistry registry, java.util.Set<String> knownUnits) {
      this.registry = registry;
      this.knownUnits = knownUnits;
    }

    private OperationMeters meters(String plan, String operation) {
      ConcurrentHashMap<String, OperationMeters> byOperation = meters.get(plan);
      if (byOperation == null) {
        byOperation = meters.computeIfAbsent(plan, k -> new ConcurrentHashMap<>());
      }
      OperationMeters m = byOperation.get(operation);
      return m != null ? m : byOperation.computeIfAbsent(operation, k -> new OperationMeters(plan, k));
    }

    @Override
    public void completed(String plan, String operation, String outcome, int status, long durationNanos) {
      OperationMeters m = meters(plan, operation);
      Timer[] byClass = ADMITTED.equals(outcome) ? m.admitted
          : m.refused.computeIfAbsent(outcome, k -> new Timer[STATUS_CLASSES.length]);
      int c = Math.min(STATUS_CLASSES.length, Math.max(1, status / 100)) - 1;
      Timer t = byClass[c];
      if (t == null) { // registering again finds the same timer: a race between two threads is harmless
        t = Timer.builder("monetize.requests").description("requests through the engine, admission to completion")
            .tags("plan", plan, "operation", operation, "outcome", outcome, "status_class", STATUS_CLASSES[c])
            .serviceLevelObjectives(SLO_BUCKETS).register(registry);
        byClass[c] = t;
      }
      t.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** Counts the call and its reported units. */
    @Override
    public void units(String plan, String operation, Map<String, Long> reported) {
      OperationMeters m = meters(plan, operation);
      Counter calls = m.calls;
      if (calls == null) {
        calls = counter(m, "calls");
        m.calls = calls;
      }
      calls.increment();
      if (!reported.isEmpty()) {
        for (Map.Entry<String, Long> u : reported.entrySet()) {
          counter(m, knownUnits.contains(u.getKey()) ? u.getKey() : "other").increment(u.getValue());
        }
      }
    }

    private Counter counter(OperationMeters m, String unit) {
      Counter c = m.units.get(unit);
      if (c == null) {
        c = m.units.computeIfAbsent(unit, u -> Counter.builder("monetize.usage.units")
            .description("calls and the units endpoints reported, per plan and operation")
            .tags("plan", m.plan, "operation", m.operation, "unit", u).register(registry));
      }
      return c;
    }
  }

  private static final String ADMITTED = "admitted";
}
