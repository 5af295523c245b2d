package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The in-memory store against simple reference models, driven by an injected clock: every
 * decision must be exactly the model's (never admits what the model refuses, never refuses what
 * it admits).
 */
class LimitModelProperties {
  private static final long NANOS = 1_000_000_000L;

  /**
   * Reference model of a rate with burst: a token bucket holding {@code burst + 1} tokens that
   * refills continuously at one token per emission interval. Tokens are kept in nanoseconds of
   * credit (tokens x T) so the arithmetic is exact in integers.
   */
  static final class TokenBucket {
    private final long emission;
    private final long capacity;
    private long credit;
    private long last;

    TokenBucket(Rate rate, long start) {
      this.emission = rate.emissionIntervalNanos();
      this.capacity = emission * (rate.burst() + 1);
      this.credit = capacity;
      this.last = start;
    }

    boolean take(long now, long cost) {
      credit = Math.min(capacity, credit + (now - last));
      last = now;
      if (credit >= cost * emission) {
        credit -= cost * emission;
        return true;
      }
      return false;
    }

    long tokens() {
      return credit / emission;
    }
  }

  @Property(tries = 400)
  void rateDecisionsAreExactlyTheTokenBucketModels(
      @ForAll @IntRange(min = 1, max = 100) int count,
      @ForAll @LongRange(min = 1, max = 10_000) long periodMillis,
      @ForAll @IntRange(min = 0, max = 20) int burst,
      @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 300_000_000) Long> gaps,
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 1, max = 4) Integer> costs,
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 3) Integer> alignment,
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 2) Integer> paths) {
    Rate rate = Rate.of(count, Duration.ofMillis(periodMillis)).withBurst(burst);
    long now = 1_800_000_000L * NANOS;
    TokenBucket model = new TokenBucket(rate, now);
    LimiterStore store = LimiterStore.inMemory();
    RatePolicy policy = new RatePolicy("rate", rate);
    long emission = rate.emissionIntervalNanos();
    LimitRequest unlimited = new LimitRequest("q", new QuotaPolicy("daily", Long.MAX_VALUE / 4, QuotaWindow.DAY,
        BillingAnchor.DEFAULT), 1);
    for (int i = 0; i < gaps.size(); i++) {
      // most boundaries are hit exactly, or missed by one nanosecond, rather than by chance
      long gap = gaps.get(i);
      now += switch (alignment.get(i % alignment.size())) {
        case 1 -> (gap % 4) * emission;
        case 2 -> Math.max(0, (gap % 4) * emission - 1);
        case 3 -> (gap % 4) * emission + 1;
        default -> gap;
      };
      int cost = Math.min(costs.get(i % costs.size()), burst + 1);
      // the same cell through all three paths: lock-free with state, lock-free yes/no, locked beside a quota
      LimitRequest r = new LimitRequest("k", policy, cost);
      int path = paths.get(i % paths.size());
      boolean expected = model.take(now, cost);
      if (path == 1) {
        assertThat(store.tryAcquire(r, now)).as("tryAcquire %d at %d ns, cost %d", i, now, cost).isEqualTo(expected);
        continue;
      }
      LimitVerdict v = store.acquire(path == 0 ? List.of(r) : List.of(r, unlimited), now);
      assertThat(v.admitted()).as("request %d at %d ns, cost %d", i, now, cost).isEqualTo(expected);
      if (v.admitted()) {
        // the bucket's tokens, never more than the announced quota (q = count)
        assertThat(v.policies().get(0).remaining()).as("remaining after request %d", i)
            .isEqualTo(Math.min(model.tokens(), count));
      }
    }
  }

  /**
   * Reference model of the calendar: the label of the window an instant falls in, computed from
   * the local calendar without any window arithmetic. A billing month is labelled by the month
   * in which it starts: the date's own month if the date is on or after that month's (clamped)
   * billing day, else the month before.
   */
  static Object label(QuotaWindow window, BillingAnchor anchor, Instant t) {
    ZonedDateTime z = t.atZone(anchor.zone());
    return switch (window) {
      case MINUTE -> z.truncatedTo(ChronoUnit.MINUTES).toOffsetDateTime();
      case HOUR -> z.truncatedTo(ChronoUnit.HOURS).toOffsetDateTime();
      case DAY -> z.toLocalDate();
      case MONTH -> {
        LocalDate d = z.toLocalDate();
        YearMonth m = YearMonth.from(d);
        int billingDay = Math.min(anchor.dayOfMonth(), m.lengthOfMonth());
        yield d.getDayOfMonth() >= billingDay ? m : m.minusMonths(1);
      }
    };
  }

  @Property(tries = 300)
  void quotaResetsExactlyWhenTheCalendarModelSays(
      @ForAll @LongRange(min = 946_684_800L, max = 4_000_000_000L) long startSecond,
      @ForAll @IntRange(min = 1, max = 31) int billingDay,
      @ForAll("zones") String zone,
      @ForAll QuotaWindow window,
      @ForAll @IntRange(min = 1, max = 6) int limit,
      @ForAll @Size(min = 1, max = 120) List<@From("steps") Long> steps) {
    BillingAnchor anchor = BillingAnchor.of(billingDay, ZoneId.of(zone));
    QuotaPolicy policy = new QuotaPolicy("q", limit, window, anchor);
    LimiterStore store = LimiterStore.inMemory();
    Map<Object, Long> used = new HashMap<>();
    Instant t = Instant.ofEpochSecond(startSecond);
    for (int i = 0; i < steps.size(); i++) {
      t = t.plusNanos(scale(steps.get(i), window));
      long now = t.getEpochSecond() * NANOS + t.getNano();
      Object label = label(window, anchor, t);
      boolean modelAdmits = used.getOrDefault(label, 0L) + 1 <= limit;
      if (modelAdmits) {
        used.merge(label, 1L, Long::sum);
      }
      LimitVerdict v = store.acquire(List.of(new LimitRequest("k", policy, 1)), now);
      assertThat(v.admitted()).as("call %d at %s (window %s)", i, t.atZone(anchor.zone()), label).isEqualTo(modelAdmits);
      PolicyState s = v.policies().get(0);
      assertThat(s.remaining()).isEqualTo(limit - used.getOrDefault(label, 0L));
      // the reset (whole seconds, rounded up) is the first whole second with another label
      Instant reset = t.plusSeconds(s.resetSeconds());
      assertThat(label(window, anchor, reset)).isNotEqualTo(label);
      assertThat(label(window, anchor, reset.minusSeconds(1))).isEqualTo(label);
    }
  }

  /** Steps mix sub-window moves with jumps across one or several windows. */
  private static long scale(long step, QuotaWindow window) {
    long windowNanos = window.nominalLength().toNanos();
    return step >= 0 ? step % windowNanos : Math.floorMod(-step, 3 * windowNanos);
  }

  @Provide
  Arbitrary<Long> steps() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 5 * NANOS),
        Arbitraries.longs().between(0, 3_600L * 24 * 31 * NANOS),
        Arbitraries.longs().between(-3_600L * 24 * 93 * NANOS, -1));
  }

  @Provide
  Arbitrary<String> zones() {
    return Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
        "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu", "America/Santiago", "Africa/Casablanca");
  }
}
