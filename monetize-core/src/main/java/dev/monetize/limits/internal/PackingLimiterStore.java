package dev.monetize.limits.internal;

import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import java.util.List;

/**
 * A {@link LimiterStore} that answers an admitted call of rates and quotas with their packed states
 * and no verdict: the in-memory store, so that the engine's common path makes one object for the
 * limits of a request.
 */
public interface PackingLimiterStore {
  /**
   * {@link LimiterStore#acquire} for {@code requests} that are all rates and quotas
   * ({@link PackedPolicies#packsAll}), as one atomic step.
   *
   * @return the states when every limit admitted the call and all were charged; otherwise
   *     {@link PackedPolicies#refusedBy} the verdict of the same check, and nothing was charged
   */
  PackedPolicies acquirePacked(List<LimitRequest> requests, long now);
}
