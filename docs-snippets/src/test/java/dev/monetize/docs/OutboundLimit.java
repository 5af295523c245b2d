package dev.monetize.docs;

// tag::outbound[]
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.Rate;
// end::outbound[]

/** docs/limits.md: a yes/no limit without headers, e.g. around an outbound call. */
final class OutboundLimit {
  // tag::outbound[]
  // one store for the life of the service: a store made per call starts empty and never refuses
  private static final LimiterStore STORE = LimiterStore.inMemory();
  private static final LimitRequest PER_TENANT =
      new LimitRequest("{acme}:outbound", new RatePolicy("outbound", Rate.perSecond(50)), 1);

  static boolean callPartner() {
    if (!STORE.tryAcquire(PER_TENANT, System.currentTimeMillis() * 1_000_000L)) {
      return false; // slow down
    }
    // ... the outbound call
    return true;
  }
  // end::outbound[]

  private OutboundLimit() {}
}
