package dev.monetize.keys.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.TimeSource;
import dev.monetize.keys.CustomerStore;
import dev.monetize.plans.Customer;
import java.time.Duration;
import java.util.Optional;

/**
 * Admission's view of the customers: read through a cache for as long as a verified key is cached.
 * Admission reads the key's customer on every call, and a shared store (PostgreSQL) would otherwise
 * be asked each time (and an outage of it would stall every call, even of keys verified a second
 * before). Only admission reads here; every write, and every read that decides a write, goes to the
 * store itself. A customer this process changes is {@linkplain #forget forgotten} once stored, so
 * admission sees it at the next call; one another process changes is seen at the next sweep of the
 * plan scheduler that finds the change in the shared history, and within the TTL whatever happens.
 */
public final class CachedCustomers {
  private final CustomerStore store;
  private final Cache<String, Customer> cache; // null: read the store every time
  /**
   * Moved by every {@link #forget} of a customer hashing to the slot: a read that began before one does
   * not keep what it read (striped, so that forgetting thousands in a sweep stops few other reads).
   */
  private final java.util.concurrent.atomic.AtomicLongArray generations = new java.util.concurrent.atomic.AtomicLongArray(64);

  /** {@code store} read through a cache of {@code ttl}; none when it is in memory or the TTL is zero. */
  public CachedCustomers(CustomerStore store, Duration ttl, TimeSource time) {
    this.store = store;
    boolean inMemory = store.getClass().getName().equals("dev.monetize.keys.InMemoryCustomerStore");
    this.cache = ttl.isZero() || inMemory ? null // nothing to save: a map lookup either way
        : Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).ticker(time::epochNanos)
            .executor(Runnable::run).build();
  }

  /** Whether reads are cached. */
  public boolean caching() {
    return cache != null;
  }

  /** The customer, from the cache or the store (a customer not found is asked again next time). */
  public Optional<Customer> find(String customerId) {
    if (cache == null) {
      return store.find(customerId);
    }
    Customer c = cache.getIfPresent(customerId);
    if (c != null) {
      return Optional.of(c);
    }
    int slot = customerId.hashCode() & 63;
    long before = generations.get(slot);
    Optional<Customer> found = store.find(customerId);
    // kept only when no change was told meanwhile (a forget after this check waits for it, then removes it),
    // and never over an entry another read put (its time to live is not restarted)
    found.ifPresent(f -> cache.asMap().computeIfAbsent(customerId, id -> generations.get(slot) == before ? f : null));
    return found;
  }

  /** Drops what is cached of {@code customerId}: it changed (call once the store holds the change). */
  public void forget(String customerId) {
    if (cache != null) {
      generations.incrementAndGet(customerId.hashCode() & 63);
      cache.invalidate(customerId);
    }
  }
}
