package dev.monetize.insight.internal;

import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import dev.monetize.plans.SlaTarget;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SLA report: each plan's latency, errors and availability per day, against its target, met or missed. */
final class SlaReport {
  private SlaReport() {}

  /** Each plan's latency, errors and availability per day in {@code [from, to]}, against its target. */
  static Map<String, Object> of(Catalog catalog, SlaBook sla, LocalDate from, LocalDate to) {
    List<Object> plans = new ArrayList<>();
    Map<String, List<SlaBook.Day>> days = sla.days(from, to);
    for (Plan plan : catalog.plans()) {
      List<SlaBook.Day> list = days.getOrDefault(plan.name(), List.of());
      Optional<SlaTarget> target = catalog.sla(plan.name());
      LatencyHistogram all = new LatencyHistogram();
      long[] sums = new long[4]; // requests, failures, over p99, over p50
      List<Object> missed = new ArrayList<>();
      for (SlaBook.Day d : list) {
        all.add(d.latency());
        long[] day = {d.requests(), d.failures(), d.overP99(), d.overP50()};
        for (int i = 0; i < 4; i++) {
          sums[i] += day[i];
        }
        List<String> why = misses(target, d.latency().count(), day);
        if (!why.isEmpty()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("date", d.date().toString());
          m.put("missed", why);
          m.putAll(numbers(d.latency(), d.requests(), d.failures()));
          missed.add(m);
        }
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("plan", plan.name());
      row.putAll(numbers(all, sums[0], sums[1]));
      target.ifPresent(t -> row.put("target", target(t)));
      // nothing measured (no calls, a range in the future or before the days kept) is neither met nor missed
      row.put("met", target.isEmpty() || sums[0] == 0 ? null
          : misses(target, all.count(), sums).isEmpty() && missed.isEmpty());
      row.put("periods_missed", missed);
      plans.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from.toString());
    out.put("to", to.toString());
    out.put("period", "day");
    out.put("days_kept", SlaBook.DAYS);
    out.put("plans", plans);
    return out;
  }

  private static Map<String, Object> numbers(LatencyHistogram h, long requests, long failures) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", requests);
    m.put("errors", failures);
    m.put("latency_p50_ms", millis(h.quantile(0.5)));
    m.put("latency_p99_ms", millis(h.quantile(0.99)));
    m.put("error_rate", requests == 0 ? null : ratio(failures, requests).toPlainString()); // null: no calls to rate
    m.put("availability", requests == 0 ? null : availability(requests, failures).setScale(3, RoundingMode.FLOOR)
        .stripTrailingZeros().toPlainString());
    return m;
  }

  /** The percentage of answers that were not 5xx, exactly. */
  private static BigDecimal availability(long requests, long failures) {
    return new BigDecimal(requests - failures).multiply(BigDecimal.valueOf(100))
        .divide(new BigDecimal(requests), MathContext.DECIMAL64);
  }

  private static String millis(long micros) {
    return BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString();
  }

  /** {@code part / whole} to six decimals, without trailing zeros. */
  static BigDecimal ratio(long part, long whole) {
    return new BigDecimal(part).divide(new BigDecimal(whole), 6, RoundingMode.HALF_EVEN).stripTrailingZeros();
  }

  private static Map<String, Object> target(SlaTarget t) {
    Map<String, Object> m = new LinkedHashMap<>();
    t.latencyP99().ifPresent(d -> m.put("latency_p99_ms", d.toMillis()));
    t.latencyP50().ifPresent(d -> m.put("latency_p50_ms", d.toMillis()));
    t.availability().ifPresent(a -> m.put("availability", a.toPlainString()));
    return m;
  }

  /**
   * What {@code target} missed, decided exactly: the q-quantile of n latencies exceeds a target
   * exactly when at least n - ceil(q n) + 1 of them do (counted as recorded, not read from buckets).
   *
   * @param counts requests, failures, latencies over the p99 target, over the p50 target
   */
  private static List<String> misses(Optional<SlaTarget> target, long latencies, long[] counts) {
    List<String> why = new ArrayList<>();
    if (target.isEmpty() || counts[0] == 0) {
      return why;
    }
    SlaTarget t = target.get();
    if (t.latencyP99().isPresent() && latencies > 0
        && counts[2] >= latencies - (99 * latencies + 99) / 100 + 1) {
      why.add("latency_p99");
    }
    if (t.latencyP50().isPresent() && latencies > 0
        && counts[3] >= latencies - (latencies + 1) / 2 + 1) {
      why.add("latency_p50");
    }
    if (t.availability().filter(a -> availability(counts[0], counts[1]).compareTo(a) < 0).isPresent()) {
      why.add("availability");
    }
    return why;
  }
}
