package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.limits.internal.PackedPolicies;
import dev.monetize.limits.internal.PackingLimiterStore;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import dev.monetize.plans.StoreOutage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The in-memory store's call that makes no verdict for an admitted call ({@code acquirePacked}, what
 * the engine calls) admits, charges and reports exactly what {@code acquire} does on a twin store:
 * for every shape of rates and quotas (one rate, a rate and a quota, three limits, one key twice),
 * soft quotas included; a refusal charges nothing and carries the verdict {@code acquire} gives.
 */
class PackedAcquireProperties {
  private static final long START = 1_796_000_000_000_000_000L;

  @Property(tries = 300)
  void packedAcquireIsAcquireWithoutTheVerdict(
      @ForAll @IntRange(min = 1, max = 10) int count,
      @ForAll @IntRange(min = 0, max = 5) int burst,
      @ForAll @LongRange(min = 1, max = 20) long daily,
      @ForAll boolean soft,
      @ForAll @IntRange(min = 0, max = 4) int shape,
      @ForAll @Size(min = 1, max = 60) List<@LongRange(min = 0, max = 400_000_000) Long> gaps,
      @ForAll @IntRange(min = 1, max = 3) int cost) {
    LimitRequest rate = new LimitRequest("{c}:rate",
        new RatePolicy("rate", Rate.of(count, Duration.ofSeconds(1)).withBurst(burst)), cost);
    LimitRequest day = new LimitRequest("{c}:daily",
        new QuotaPolicy("daily", daily, QuotaWindow.DAY, BillingAnchor.DEFAULT), cost, soft, StoreOutage.FAIL_CLOSED);
    LimitRequest month = new LimitRequest("{c}:monthly",
        new QuotaPolicy("monthly", 3 * daily, QuotaWindow.MONTH, BillingAnchor.DEFAULT), cost);
    List<LimitRequest> requests = switch (shape) {
      case 0 -> List.of(rate);
      case 1 -> List.of(day);
      case 2 -> List.of(rate, day);
      case 3 -> List.of(rate, day, month);
      default -> List.of(day, day); // one key twice: charged twice, all or nothing
    };
    LimiterStore plain = LimiterStore.inMemory();
    LimiterStore twin = LimiterStore.inMemory();
    PackingLimiterStore packing = (PackingLimiterStore) twin;
    long now = START;
    int admitted = 0;
    for (long gap : gaps) {
      now += gap;
      LimitVerdict expected = plain.acquire(requests, now);
      PackedPolicies states = packing.acquirePacked(requests, now);
      assertThat(states.admitted()).as("admitted as acquire admits").isEqualTo(expected.admitted());
      if (!states.admitted()) {
        assertThat(states.refusal()).as("the refusal of the same check, nothing charged").isEqualTo(expected);
        assertThat(states).isEmpty();
        continue;
      }
      admitted++;
      assertThat(states.exceeded()).isEqualTo(expected.exceeded());
      assertThat(new ArrayList<>(states)).isEqualTo(new ArrayList<>(expected.policies()));
    }
    assertThat(twin.peek(requests, now)).isEqualTo(plain.peek(requests, now));
    if (shape != 4 && cost <= burst + 1 && cost <= daily) {
      assertThat(admitted).as("the first call of a fresh store is admitted").isPositive();
    }
  }
}
