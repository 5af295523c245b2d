package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.billing.UsageExport;
import dev.monetize.events.LifecycleEvent;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Answers warn before a quota runs out, and each threshold is announced once per window. */
class QuotaWarningsTest {
  private static Optional<String> warning(Admission a) {
    return a.responseHeaders().stream().filter(h -> h.name().equals("Monetize-Quota-Warning")).map(Header::value)
        .findFirst();
  }

  @Test
  void thresholdsWarnOnEveryAnswerPastThemAndAreAnnouncedOncePerWindow() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(10)).build();
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-02T10:00:00Z"));
    List<UsageExport.Event> sent = Collections.synchronizedList(new ArrayList<>());
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).eventTransport("https://api.example.com", events -> {
          sent.addAll(events);
          return List.of();
        }).eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      List<Optional<String>> warnings = new ArrayList<>();
      for (int day = 0; day < 2; day++) {
        for (int i = 0; i < 10; i++) {
          Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r" + i,
              "Bearer " + key.secret(), null));
          assertThat(a.decision().admitted()).isTrue();
          warnings.add(warning(a));
          a.complete(200, 0);
        }
        time.advance(Duration.ofDays(1));
      }
      m.flushEvents();
      assertThat(warnings.subList(0, 7)).allSatisfy(w -> assertThat(w).isEmpty());
      assertThat(warnings.get(7)).contains("\"daily\";used=80");
      assertThat(warnings.get(8)).contains("\"daily\";used=90");
      assertThat(warnings.get(9)).contains("\"daily\";used=100");
      assertThat(warnings.get(17)).contains("\"daily\";used=80"); // the next day's window starts over

      assertThat(told).extracting(e -> e.data().get("threshold")).containsExactly(80, 95, 80, 95);
      assertThat(told).extracting(LifecycleEvent::type).containsOnly(LifecycleEvent.QUOTA_THRESHOLD_CROSSED);
      assertThat(told.get(0).data()).containsEntry("used", 8L).containsEntry("limit", 10L)
          .containsEntry("policy", "daily").containsEntry("customer_id", "acme");
      assertThat(told).extracting(LifecycleEvent::id).doesNotHaveDuplicates();
      JsonNode cloud = new ObjectMapper().readTree(sent.get(0).body());
      assertThat(cloud.get("specversion").asText()).isEqualTo("1.0");
      assertThat(cloud.get("type").asText()).isEqualTo("dev.monetize.quota.threshold_crossed");
      assertThat(cloud.get("source").asText()).isEqualTo("https://api.example.com");
      assertThat(cloud.get("subject").asText()).isEqualTo("acme");
      assertThat(cloud.at("/data/window_ends").asText()).isEqualTo("2026-12-03T00:00:00Z");
    }
  }

  @Test
  void statesNotPackedByTheStoreWarnAndAnnounceAlike() throws Exception {
    // a concurrency limit is not packed: the states are a plain list, read by name
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(10))
        .concurrency(dev.monetize.plans.Concurrency.of(5)).build();
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-02T10:00:00Z"));
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      List<Optional<String>> warnings = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r" + i,
            "Bearer " + key.secret(), null));
        assertThat(a.decision().admitted()).isTrue();
        assertThat(a.policies()).isNotInstanceOf(dev.monetize.limits.internal.PackedPolicies.class);
        warnings.add(warning(a));
        a.complete(200, 0);
      }
      m.flushEvents();
      assertThat(warnings.subList(0, 7)).allSatisfy(w -> assertThat(w).isEmpty());
      assertThat(warnings.get(7)).contains("\"daily\";used=80");
      assertThat(warnings.get(9)).contains("\"daily\";used=100");
      assertThat(told).extracting(e -> e.data().get("threshold")).containsExactly(80, 95);
      assertThat(told).extracting(e -> e.data().get("used")).containsExactly(8L, 10L);
    }
  }

  @Test
  void noThresholdsNoWarnings() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(2)).build();
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .quotaWarnings().eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 2; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r", "Bearer " + key.secret(),
            null));
        assertThat(warning(a)).isEmpty();
        a.complete(200, 0);
      }
      m.flushEvents();
      assertThat(told).isEmpty();
    }
  }

  @Test
  void aKeysOwnQuotaOverrideWarnsAndIsAnnouncedToo() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(1_000)).build();
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*")).limit("daily", 10));
      Optional<String> last = Optional.empty();
      for (int i = 0; i < 8; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r", "Bearer " + key.secret(),
            null));
        last = warning(a);
        a.complete(200, 0);
      }
      m.flushEvents();
      assertThat(last).hasValueSatisfying(w -> assertThat(w).contains(";used=80")); // the key's 10, not the plan's 1,000
      assertThat(told).singleElement().satisfies(e -> assertThat(e.data()).containsEntry("threshold", 80)
          .containsEntry("limit", 10L));
    }
  }

  @Test
  void callsPastABilledQuotaDoNotAnnounceItAgain() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan billed = Plan.builder("billed").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(10))
        .overage(dev.monetize.plans.Overage.BILL).build();
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(billed).operation(summary).build())
        .eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "billed"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 30; i++) { // 20 calls past the quota, each billed as overage
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r", "Bearer " + key.secret(),
            null));
        assertThat(a.decision().admitted()).isTrue();
        a.complete(200, 0);
      }
      m.flushEvents();
      assertThat(told).extracting(e -> e.data().get("threshold")).containsExactly(80, 95);
    }
  }

  @Test
  void aPracticallyUnlimitedQuotaNeverWarns() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    // percent x limit overflows a long for such a quota: it once read as already past 80%
    Plan unlimited = Plan.builder("unlimited").rate(Rate.perSecond(1_000).withBurst(1_000))
        .quota(Quota.daily(Long.MAX_VALUE / 8)).build();
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(unlimited).operation(summary).build())
        .eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "unlimited"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 3; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r", "Bearer " + key.secret(),
            null));
        assertThat(a.decision().admitted()).isTrue();
        assertThat(warning(a)).isEmpty();
        a.complete(200, 0);
      }
      m.flushEvents();
      assertThat(told).isEmpty();
    }
  }
}
