package dev.monetize.keys.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.TimeSource;
import dev.monetize.keys.CustomerStore;
import dev.monetize.plans.Customer;
import java.time.Duration;
import java.util.Optional;

/**
 * A customer store read through a cache for as long as a verified key is cached: admission reads the
 * key's customer on every call, and a shared store (PostgreSQL) would otherwise be asked each time
 * (and an outage of it would stall every call, even of keys verified a second before). Writes go
 * through and update the cache, so this node sees its own changes at once; another node's change
 * of a customer is seen within the TTL, as its revocation of a key is.
 */
public final class CachedCustomers implements CustomerStore {
  private final CustomerStore store;
  private final Cache<String, Customer> cache;

  private CachedCustomers(CustomerStore store, Duration ttl, TimeSource time) {
    this.store = store;
    this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).ticker(time::epochNanos)
        .executor(Runnable::run).build();
  }

  /** {@code store} read through a cache of {@code ttl}; the store itself when it is in memory or the TTL is zero. */
  public static CustomerStore over(CustomerStore store, Duration ttl, TimeSource time) {
    if (ttl.isZero() || store.getClass().getName().equals("dev.monetize.keys.InMemoryCustomerStore")) {
      return store; // nothing to save: a map lookup either way
    }
    return new CachedCustomers(store, ttl, time);
  }

  @Override
  public Optional<Customer> find(String customerId) {
    Customer c = cache.getIfPresent(customerId);
    if (c != null) {
      return Optional.of(c);
    }
    Optional<Customer> found = store.find(customerId);
    found.ifPresent(f -> cache.put(customerId, f)); // a customer not found is asked again next time
    return found;
  }

  @Override
  public void save(Customer customer) {
    cache.invalidate(customer.id()); // a failed save leaves nothing stale here
    store.save(customer);
    cache.put(customer.id(), customer);
  }

  @Override
  public long count() {
    return store.count();
  }
}
