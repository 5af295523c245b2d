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

    Day(long epochDay) {
      this.epochDay = epochDay;
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
    volatile Day current;
    final ConcurrentHashMap<Long, Day> days = new ConcurrentHashMap<>();
  }

  private final ConcurrentHashMap<String, PlanDays> plans = new ConcurrentHashMap<>();

  /** Counts an answer of {@code status} to an admitted call of {@code plan}, {@code micros} long, at {@code epochNanos}. */
  public void record(String plan, long epochNanos, long micros, int status) {
    PlanDays p = plans.get(plan);
    if (p == null) {
      p = plans.computeIfAbsent(plan, k -> new PlanDays());
    }
    long epochDay = Math.floorDiv(epochNanos, 86_400_000_000_000L);
    Day d = p.current;
    if (d == null || d.epochDay != epochDay) {
      d = roll(p, epochDay);
    }
    d.requests.increment();
    d.latency.record(micros);
    if (status >= 500) {
      d.failures.increment();
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
