package dev.monetize.docs;

// tag::outbound[]
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.Rate;
// end::outbound[]

/** docs/limits.md: a yes/no limit without headers, e.g. around an outbound call. */
final class OutboundLimit {
  private OutboundLimit() {}

  static boolean callPartner() {
    // tag::outbound[]
    LimiterStore store = LimiterStore.inMemory();
    LimitRequest perTenant = new LimitRequest("{acme}:outbound", new RatePolicy("outbound", Rate.perSecond(50)), 1);
    if (!store.tryAcquire(perTenant, System.currentTimeMillis() * 1_000_000L)) {
      return false; // slow down
    }
    // end::outbound[]
    return true;
  }
}
