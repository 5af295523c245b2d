package dev.monetize.insight.internal;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each plan's customers got, per UTC day, for the SLA report: the latency of admitted calls
 * and the answers by status (5xx are failures). The last {@link #DAYS} days are kept; recording
 * finds the plan's current day without allocating.
 */
public final class SlaBook {
  /** Days kept per plan. */
  public static final int DAYS = 92;

  /** One plan's day. */
  public static final class Day {
    final long epochDay;
    final LatencyHistogram latency = new LatencyHistogram();
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder overP99 = new LongAdder();
    final LongAdder overP50 = new LongAdder();

    Day(long epochDay) {
      this.epochDay = epochDay;
    }

    /** Answers slower than the plan's p99 target (counted exactly, not from buckets). */
    public long overP99() {
      return overP99.sum();
    }

    /** Answers slower than the plan's p50 target. */
    public long overP50() {
      return overP50.sum();
    }

    /** The day. */
    public LocalDate date() {
      return LocalDate.ofEpochDay(epochDay);
    }

    /** Latencies of admitted calls. */
    public LatencyHistogram latency() {
      return latency;
    }

    /** Answers to admitted calls. */
    public long requests() {
      return requests.sum();
    }

    /** Of them, answers with a 5xx status. */
    public long failures() {
      return failures.sum();
    }
  }

  private static final class PlanDays {
    final long p99Micros;
    final long p50Micros;
    volatile Day current;

    PlanDays(long p99Micros, long p50Micros) {
      this.p99Micros = p99Micros;
      this.p50Micros = p50Micros;
    }

    final ConcurrentHashMap<Long, Day> days = new ConcurrentHashMap<>();
  }

  private final ConcurrentHashMap<String, PlanDays> plans = new ConcurrentHashMap<>();
  private final java.util.function.Function<String, long[]> targets;

  /**
   * A book whose plans' latency targets ({p99, p50} in microseconds, {@code Long.MAX_VALUE} for
   * none) {@code targets} gives: answers over a target are counted exactly as they are recorded.
   */
  public SlaBook(java.util.function.Function<String, long[]> targets) {
    this.targets = targets;
  }

  /**
   * Counts an answer of {@code status} to a call of {@code plan} at {@code epochNanos}: its latency
   * ({@code micros}) when it was admitted, and its status either way (a refusal the service itself
   * answers with a 5xx, such as {@code overloaded}, counts against availability).
   */
  public void record(String plan, long epochNanos, long micros, int status, boolean admitted) {
    PlanDays p = plans.get(plan);
    if (p == null) {
      p = plans.computeIfAbsent(plan, k -> {
        long[] t = targets.apply(k);
        return new PlanDays(t[0], t[1]);
      });
    }
    long epochDay = Math.floorDiv(epochNanos, 86_400_000_000_000L);
    Day d = p.current;
    if (d == null || d.epochDay != epochDay) {
      d = roll(p, epochDay);
    }
    d.requests.increment();
    if (status >= 500) {
      d.failures.increment();
    }
    if (admitted) {
      d.latency.record(micros);
      if (micros > p.p99Micros) {
        d.overP99.increment();
      }
      if (micros > p.p50Micros) {
        d.overP50.increment();
      }
    }
  }

  private static Day roll(PlanDays p, long epochDay) {
    Day d = p.days.computeIfAbsent(epochDay, Day::new);
    Day c = p.current;
    if (c == null || c.epochDay < epochDay) {
      p.current = d;
      p.days.keySet().removeIf(k -> k <= epochDay - DAYS);
    }
    return d;
  }

  /** Each plan's days in {@code [from, to]}, oldest first. */
  public Map<String, List<Day>> days(LocalDate from, LocalDate to) {
    Map<String, List<Day>> out = new TreeMap<>();
    plans.forEach((plan, p) -> {
      List<Day> list = new ArrayList<>();
      new TreeMap<>(p.days).forEach((day, d) -> {
        if (day >= from.toEpochDay() && day <= to.toEpochDay()) {
          list.add(d);
        }
      });
      out.put(plan, list);
    });
    return out;
  }
}
