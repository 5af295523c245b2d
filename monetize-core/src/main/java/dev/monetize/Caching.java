package dev.monetize;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.ResponseCache;
import dev.monetize.cache.internal.Flights;
import dev.monetize.plans.CachePolicy;

/** The response cache as the pipeline uses it: keys per tenant, single flight, tag invalidation. */
final class Caching implements dev.monetize.cache.CacheService {
  private final ResponseCache store;
  private final Flights flights = new Flights();
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder stores = new java.util.concurrent.atomic.LongAdder();
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
    CacheLookup lookup = CacheLookup.of(policy, store, flights, time, k.build(store), stores::increment);
    (lookup.hit().isPresent() ? hits : misses).increment();
    return lookup;
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  long stores() {
    return stores.sum();
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
