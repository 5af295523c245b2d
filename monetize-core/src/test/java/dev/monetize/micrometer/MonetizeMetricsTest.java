package dev.monetize.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The engine in Prometheus text: every meter there, bounded tags only, counts that match the traffic. */
class MonetizeMetricsTest {
  /** One sample line of the text exposition format 0.0.4, read strictly. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** Parses a scrape; fails on any line that is neither a comment nor a well-formed sample. */
  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a sample line: %s", line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        int end = 0;
        while (l.find() && l.start() == end) {
          labels.put(l.group(1), l.group(2));
          end = l.end();
        }
        assertThat(end).as("labels of %s", line).isEqualTo(m.group(3).length());
      }
      out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity"))));
    }
    return out;
  }

  @Test
  void aScrapeHoldsEveryMeterWithBoundedTagsOnly() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(5)).build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build()).build();
        MonetizeMetrics metrics = new MonetizeMetrics(m)) {
      metrics.bindTo(registry);
      m.customers().save(Customer.of("acme-secret-customer", "basic"));
      IssuedKey key = m.keys().issue("acme-secret-customer", Set.of("*"));
      for (int i = 0; i < 8; i++) { // 5 admitted, 3 quota_exhausted
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.77", "r" + i,
            "Bearer " + key.secret(), null));
        if (a.decision().admitted()) {
          a.reportUsage("rows", 7);
        }
        a.complete(a.decision().admitted() ? 200 : a.decision().status(), 10);
      }
      Admission bad = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.78", "x",
          "Bearer mk_live_" + "x".repeat(30), null));
      bad.complete(bad.decision().status(), 0);

      String text = registry.scrape();
      List<Sample> samples = parse(text);
      Set<String> allowed = Set.of("plan", "operation", "outcome", "status_class", "unit", "result", "reason", "le",
          "quantile");
      assertThat(samples).allSatisfy(s -> {
        assertThat(allowed).containsAll(s.labels().keySet());
        assertThat(s.labels().values()).noneMatch(v -> v.contains("acme") || v.contains("203.0.113")
            || v.contains(key.key().id()));
      });
      assertThat(value(samples, "monetize_requests_seconds_count",
          Map.of("plan", "basic", "operation", "summary", "outcome", "admitted", "status_class", "2xx"))).isEqualTo(5);
      assertThat(value(samples, "monetize_requests_seconds_count",
          Map.of("plan", "basic", "outcome", "quota_exhausted", "status_class", "4xx"))).isEqualTo(3);
      assertThat(value(samples, "monetize_requests_seconds_count",
          Map.of("plan", "none", "outcome", "key_invalid"))).isEqualTo(1);
      assertThat(value(samples, "monetize_requests_seconds_bucket",
          Map.of("plan", "basic", "outcome", "admitted", "le", "0.005"))).isBetween(0.0, 5.0);
      assertThat(value(samples, "monetize_usage_units_total", Map.of("unit", "calls"))).isEqualTo(5);
      assertThat(value(samples, "monetize_usage_units_total", Map.of("unit", "other"))).isEqualTo(35); // not priced
      assertThat(samples).noneMatch(s -> "rows".equals(s.labels().get("unit")));
      assertThat(value(samples, "monetize_shield_refusals_total", Map.of("reason", "malformed_key"))).isEqualTo(1);
      assertThat(value(samples, "monetize_limiter_calls_total", Map.of())).isEqualTo(8);
      // the Grafana dashboard shipped in docs/ reads only what a scrape holds
      java.nio.file.Path dashboard = java.nio.file.Path.of("..", "docs", "grafana", "monetize-dashboard.json");
      Matcher used = Pattern.compile("monetize_[a-z_]+").matcher(java.nio.file.Files.readString(dashboard));
      java.util.Set<String> names = new java.util.TreeSet<>();
      while (used.find()) {
        names.add(used.group());
      }
      assertThat(names).hasSizeGreaterThan(10).allSatisfy(n -> assertThat(samples).as(n)
          .anyMatch(s -> s.name().equals(n)));
      for (String name : List.of("monetize_in_flight", "monetize_usage_pending", "monetize_usage_delivery_age_seconds",
          "monetize_audit_queued", "monetize_audit_dropped_total", "monetize_audit_spilled_total",
          "monetize_cache_requests_total", "monetize_limiter_outages_total", "monetize_limiter_fallbacks_total",
          "monetize_limiter_late_charges_total", "monetize_shed_total", "monetize_shield_bans_total", "monetize_usage_sink_failures_total",
          "monetize_events_dropped_total")) {
        assertThat(samples).as(name).anyMatch(s -> s.name().equals(name));
      }
    }
  }

  /**
   * A shared store behind two wrappers (a failover with its fallback, then rate leasing): the
   * fallback's decisions and the shared store's own late charges still reach the snapshot and the
   * scrape (the fallbacks of a store that was not itself the failover read 0 before).
   */
  @Test
  void aWrappedStoreStillReportsItsFallbacksAndLateCharges() {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000))
        .quota(Quota.daily(100).onOutage(dev.monetize.plans.StoreOutage.FAIL_OPEN)).build();
    dev.monetize.limits.LimiterStore unreachable = new dev.monetize.limits.LimiterStore() {
      @Override
      public dev.monetize.limits.LimitVerdict acquire(List<dev.monetize.limits.LimitRequest> requests, long now) {
        throw new dev.monetize.limits.LimiterUnavailableException("the test's shared store is out", null);
      }

      @Override
      public List<dev.monetize.limits.PolicyState> peek(List<dev.monetize.limits.LimitRequest> requests, long now) {
        throw new dev.monetize.limits.LimiterUnavailableException("the test's shared store is out", null);
      }

      @Override
      public void release(List<dev.monetize.limits.LimitRequest> requests, dev.monetize.limits.LimitVerdict verdict) {}

      @Override
      public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
        throw new dev.monetize.limits.LimiterUnavailableException("the test's shared store is out", null);
      }

      @Override
      public long credits(String key) {
        return 0;
      }

      @Override
      public dev.monetize.limits.StoreCounters counters() {
        return new dev.monetize.limits.StoreCounters(0, 2, 1); // what Redis's late replies would have left
      }
    };
    dev.monetize.limits.LimiterStore store = dev.monetize.limits.RateLeasing.over(
        dev.monetize.limits.FailoverLimiterStore.of("the test's shared store", unreachable,
            dev.monetize.limits.LimiterStore.inMemory(), java.time.Duration.ofHours(1))).maxBatch(1).build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .limiterStore(store).build(); MonetizeMetrics metrics = new MonetizeMetrics(m)) {
      metrics.bindTo(registry);
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 3; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.77", "r" + i,
            "Bearer " + key.secret(), null));
        assertThat(a.decision().admitted()).isTrue();
        a.complete(200, 10);
      }
      assertThat(m.metrics().limiterFallbacks()).isEqualTo(3);
      assertThat(m.metrics().limiterLateChargesReturned()).isEqualTo(2);
      assertThat(m.metrics().limiterLateChargesStanding()).isEqualTo(1);
      List<Sample> samples = parse(registry.scrape());
      assertThat(value(samples, "monetize_limiter_fallbacks_total", Map.of())).isEqualTo(3);
      assertThat(value(samples, "monetize_limiter_late_charges_total", Map.of("result", "returned"))).isEqualTo(2);
      assertThat(value(samples, "monetize_limiter_late_charges_total", Map.of("result", "standing"))).isEqualTo(1);
    }
  }

  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).mapToDouble(Sample::value).sum();
  }
}
