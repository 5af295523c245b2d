package dev.monetize;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.ResponseCache;
import dev.monetize.cache.internal.Flights;
import dev.monetize.plans.CachePolicy;

/** The response cache as the pipeline uses it: keys per tenant, single flight, tag invalidation. */
final class Caching implements dev.monetize.cache.CacheService {
  private final ResponseCache store;
  private final Flights flights = new Flights();
  private final TimeSource time;

  Caching(ResponseCache store, TimeSource time) {
    this.store = store;
    this.time = time;
  }

  CacheLookup lookup(Decision decision, ApiRequest request, String rawQuery, String accept, String acceptEncoding) {
    CachePolicy policy = decision.operation().cache().orElseThrow();
    CacheKey.Builder k = CacheKey.builder(decision.principal().orElseThrow().customerId(), decision.operation().id())
        .method(request.method()).path(request.path()).query(rawQuery).header("Accept", accept)
        .header("Accept-Encoding", acceptEncoding).tags(policy.tags());
    policy.queryParameters().ifPresent(k::onlyQueryParameters);
    return CacheLookup.of(policy, store, flights, time, k.build(store));
  }

  @Override
  public void invalidate(String tenant, String tag) {
    if (!dev.monetize.plans.Customer.validId(tenant)) {
      throw new IllegalArgumentException("not a customer id: " + tenant);
    }
    store.invalidate(CacheKey.generationName(tenant, tag));
  }

  @Override
  public void invalidateForEveryone(String tag) {
    store.invalidate(CacheKey.generationName(CacheKey.EVERYONE, tag));
  }

  ResponseCache store() {
    return store;
  }
}
