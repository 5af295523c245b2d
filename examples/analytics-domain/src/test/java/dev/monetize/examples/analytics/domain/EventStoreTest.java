package dev.monetize.examples.analytics.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EventStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  private static Event at(long seconds, String type, String user) {
    return new Event(type, T0.plusSeconds(seconds), Optional.ofNullable(user), 1.0, Map.of());
  }

  @Test
  void summaryAggregatesOneTenantOnly() {
    EventStore store = EventStore.inMemory();
    store.append("a", List.of(at(0, "click", "u1"), at(60, "view", "u2"), at(120, "click", "u1")));
    store.append("b", List.of(at(0, "secret", "x")));
    Summary s = store.summary("a");
    assertThat(s.events()).isEqualTo(3);
    assertThat(s.distinctUsers()).isEqualTo(2);
    assertThat(s.byType()).containsExactly(Map.entry("click", 2L), Map.entry("view", 1L));
    assertThat(s.first()).contains(T0);
    assertThat(s.last()).contains(T0.plusSeconds(120));
    assertThat(store.summary("c").events()).isZero();
  }

  /**
   * A listener that fails (the shared cache out of reach) does not fail the append: the events are
   * stored, and the client is not told to send them again (an end-to-end run saw 500s, each a paid
   * call whose events were kept).
   */
  @Test
  void aFailingListenerDoesNotFailTheAppend() {
    EventStore store = EventStore.inMemory().onChange(tenant -> {
      throw new IllegalStateException("the cache is out of reach");
    });
    assertThat(store.append("a", List.of(at(0, "click", "u1")))).isEqualTo(1);
    assertThat(store.summary("a").events()).isEqualTo(1);
  }

  /**
   * A tenant's events are bounded in bytes as well as in number: large events (an attack on the
   * Spring example stored 30 MB with 18 events a call) stop at the budget, and other tenants go on.
   */
  @Test
  void aTenantsEventsAreBoundedInBytes() {
    EventStore store = EventStore.inMemory();
    String large = "x".repeat(1_000);
    Map<String, String> properties = new java.util.HashMap<>();
    for (int i = 0; i < 100; i++) {
      properties.put("p" + i, large);
    }
    Event fat = new Event("fat", T0, Optional.empty(), 1, properties);
    int stored = 0;
    for (int i = 0; i < 100_000; i++) {
      try {
        stored += store.append("a", List.of(fat, fat));
      } catch (BadInputException full) {
        assertThat(full.getMessage()).contains("64 MiB");
        break;
      }
    }
    assertThat(stored * fat.approximateBytes()).isLessThanOrEqualTo(EventStore.MAX_BYTES_PER_TENANT)
        .isGreaterThan(EventStore.MAX_BYTES_PER_TENANT - 2 * fat.approximateBytes());
    assertThat(store.summary("a").events()).isEqualTo(stored); // all or none of each call
    assertThat(store.append("b", List.of(fat))).isEqualTo(1);
  }

  @Property(tries = 200)
  void bucketCountsSumToTheEventsInRange(@ForAll @Size(max = 200) List<@LongRange(min = 0, max = 3 * 86_400) Long> offsets,
      @ForAll @LongRange(min = 0, max = 86_400) long fromOffset, @ForAll @IntRange(min = 1, max = 2 * 86_400) int length,
      @ForAll Interval interval) {
    EventStore store = EventStore.inMemory();
    store.append("t", offsets.stream().map(o -> at(o, "e", null)).toList());
    Instant from = T0.plusSeconds(fromOffset);
    Instant to = from.plusSeconds(length);
    List<Bucket> buckets = store.timeseries("t", from, to, interval);
    long inRange = offsets.stream().filter(o -> !T0.plusSeconds(o).isBefore(from) && T0.plusSeconds(o).isBefore(to)).count();
    assertThat(buckets.stream().mapToLong(Bucket::count).sum()).isEqualTo(inRange);
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).start()).isEqualTo(buckets.get(i - 1).start().plus(interval.length()));
    }
    assertThat(buckets.get(0).start()).isBeforeOrEqualTo(from);
  }

  @Test
  void tooManyBucketsAndBadRangesAreBadInput() {
    EventStore store = EventStore.inMemory();
    assertThatThrownBy(() -> store.timeseries("t", T0, T0.plusSeconds(86_400L * 30), Interval.MINUTE))
        .isInstanceOf(BadInputException.class).hasMessageContaining("buckets");
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    assertThatThrownBy(() -> TimeRange.parse("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", clock))
        .hasMessageContaining("must be before");
    assertThatThrownBy(() -> TimeRange.parse("2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z", clock))
        .hasMessageContaining("366 days");
    assertThatThrownBy(() -> TimeRange.parse("soon", null, clock)).hasMessageStartingWith("from:");
    // instants whose milliseconds overflow a long were a 500 (and billed) in the examples
    assertThatThrownBy(() -> TimeRange.parse("+999999999-12-30T00:00:00Z", "+999999999-12-31T23:59:59Z", clock))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("to:").hasMessageContaining("1970 to 9999");
    assertThatThrownBy(() -> TimeRange.parse("-999999999-01-01T00:00:00Z", "-999999998-01-01T00:00:00Z", clock))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("to:");
    assertThatThrownBy(() -> TimeRange.parse("1969-12-31T00:00:00Z", "1970-01-01T00:00:00Z", clock))
        .hasMessageStartingWith("from:");
    assertThat(TimeRange.parse("9999-12-31T00:00:00Z", "+10000-01-01T00:00:00Z", clock).to())
        .isEqualTo(TimeRange.LATEST);
    assertThat(TimeRange.parse(null, null, clock)).isEqualTo(new TimeRange(T0.minusSeconds(86_400), T0));
    assertThat(Interval.parse("1H")).isEqualTo(Interval.HOUR);
    assertThatThrownBy(() -> Interval.parse("week")).isInstanceOf(BadInputException.class);
  }
}
