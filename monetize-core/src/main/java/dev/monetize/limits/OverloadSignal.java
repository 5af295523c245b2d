package dev.monetize.limits;

import dev.monetize.plans.Plan;
import java.util.List;

/**
 * Tells the engine whether to shed load, and how much: the lowest plan rank still admitted right
 * now. Requests of lower-ranked plans are refused with {@code 503 overloaded} before any limit is
 * charged, so higher tiers keep their service while the lower ones back off.
 *
 * <pre>{@code
 * Monetize.builder().overloadSignal(OverloadSignal.inFlight(200, 400));       // built in
 * Monetize.builder().overloadSignal((plans, inFlight) ->                      // your own check
 *     cpu.load() > 0.9 ? plans.get(plans.size() - 1).rank() : Integer.MIN_VALUE);
 * }</pre>
 */
@FunctionalInterface
public interface OverloadSignal {
  /**
   * The lowest plan rank admitted now; {@link Integer#MIN_VALUE} when not overloaded.
   *
   * @param plansByRank the catalog's plans, lowest rank first
   * @param inFlight requests admitted and not yet completed in this JVM
   */
  int minimumRank(List<Plan> plansByRank, long inFlight);

  /** Never sheds. */
  static OverloadSignal none() {
    return (plans, inFlight) -> Integer.MIN_VALUE;
  }

  /**
   * Sheds by requests in flight in this JVM: below {@code soft} nothing is shed; at {@code soft}
   * the lowest plan is shed, and one more plan (by rank) at each further step of
   * {@code (hard - soft) / (plans - 1)} requests, so that up to {@code hard} the highest plan is
   * always served; beyond {@code hard} everything is shed.
   */
  static OverloadSignal inFlight(long soft, long hard) {
    if (soft < 1 || hard <= soft) {
      throw new IllegalArgumentException("in-flight shedding needs 1 <= soft < hard, got soft=" + soft + ", hard=" + hard);
    }
    return (plans, inFlight) -> {
      if (inFlight < soft || plans.isEmpty()) {
        return Integer.MIN_VALUE;
      }
      if (inFlight > hard) {
        return Integer.MAX_VALUE;
      }
      int n = plans.size();
      // plans[0] is shed from soft on, plans[n-1] only beyond hard
      long step = n <= 1 ? Long.MAX_VALUE : Math.max(1, (hard - soft) / (n - 1));
      int shed = (int) Math.min(n - 1, 1 + (inFlight - soft) / step);
      return plans.get(shed).rank();
    };
  }
}
