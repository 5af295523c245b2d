package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.http.RateLimitHeaders;
import dev.monetize.limits.internal.PackedPolicies;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The in-memory store answers admitted rates and quotas as packed primitives: every state read in
 * place (what the headers and quota warnings read) equals the {@link PolicyState} made from it, and
 * the header values are the same as from a plain list of those states.
 */
class PackedPoliciesProperties {
  private static final long START = 1_796_000_000_000_000_000L;

  @Property(tries = 200)
  void packedStatesReadInPlaceEqualTheStatesMadeFromThem(
      @ForAll @IntRange(min = 1, max = 20) int count,
      @ForAll @IntRange(min = 0, max = 10) int burst,
      @ForAll @LongRange(min = 1, max = 40) long daily,
      @ForAll @LongRange(min = 1, max = 400) long monthly,
      @ForAll @IntRange(min = 1, max = 3) int limits,
      @ForAll @Size(min = 1, max = 60) List<@LongRange(min = 0, max = 300_000_000) Long> gaps,
      @ForAll @IntRange(min = 1, max = 3) int cost) {
    List<LimitRequest> all = List.of(
        new LimitRequest("{c}:rate", new RatePolicy("rate", Rate.of(count, Duration.ofSeconds(1)).withBurst(burst)), cost),
        new LimitRequest("{c}:daily", new QuotaPolicy("daily", daily, QuotaWindow.DAY, BillingAnchor.DEFAULT), cost),
        new LimitRequest("{c}:monthly", new QuotaPolicy("monthly", monthly, QuotaWindow.MONTH, BillingAnchor.DEFAULT),
            cost));
    List<LimitRequest> requests = all.subList(0, limits);
    LimiterStore store = LimiterStore.inMemory();
    long now = START;
    int packed = 0;
    for (long gap : gaps) {
      now += gap;
      LimitVerdict v = store.acquire(requests, now);
      List<PolicyState> states = v.policies();
      List<PolicyState> made = new ArrayList<>(states); // each state made once, as a user reading them gets it
      assertThat(made).hasSize(requests.size());
      assertThat(states instanceof PackedPolicies).as("packed exactly when admitted").isEqualTo(v.admitted());
      if (v.admitted()) {
        packed++;
      }
      for (int i = 0; i < states.size(); i++) {
        PolicyState s = made.get(i);
        assertThat(PackedPolicies.name(states, i)).isEqualTo(s.name());
        assertThat(PackedPolicies.quota(states, i)).isEqualTo(s.quota());
        assertThat(PackedPolicies.remaining(states, i)).isEqualTo(s.remaining());
        assertThat(PackedPolicies.resetSeconds(states, i)).isEqualTo(s.resetSeconds());
        assertThat(PackedPolicies.violated(states, i)).isEqualTo(s.violated());
        assertThat(PackedPolicies.announced(states, i)).isEqualTo(s.announced());
        assertThat(s.remaining()).isLessThanOrEqualTo(s.quota());
      }
      assertThat(states).isEqualTo(made);
      assertThat(RateLimitHeaders.state(states)).isEqualTo(RateLimitHeaders.state(made));
      assertThat(RateLimitHeaders.tightest(states)).isEqualTo(RateLimitHeaders.tightest(made));
      assertThat(RateLimitHeaders.policy(RateLimitHeaders.announced(states)))
          .isEqualTo(RateLimitHeaders.policy(RateLimitHeaders.announced(made)));
    }
    if (cost <= burst + 1 && (limits < 2 || cost <= daily) && (limits < 3 || cost <= monthly)) {
      assertThat(packed).as("the first call of a fresh store is admitted, and packed").isPositive();
    }
  }
}
