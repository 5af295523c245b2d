package dev.monetize.keys;

import dev.monetize.plans.Customer;
import java.util.Optional;

/**
 * Where customers (tenants) and their current plan live. The in-memory default is
 * {@link #inMemory()}. Implementations must be thread-safe.
 */
public interface CustomerStore {
  /** The customer with that id. */
  Optional<Customer> find(String customerId);

  /**
   * The customers of {@code customerIds} that exist, by id (what the engine's sweep of due plan
   * changes reads, a batch of at most a few hundred at a time). The default asks {@link #find} for
   * each; a store across the network overrides it with one query.
   */
  default java.util.Map<String, Customer> findAll(java.util.Collection<String> customerIds) {
    java.util.Map<String, Customer> out = new java.util.HashMap<>();
    for (String id : customerIds) {
      find(id).ifPresent(c -> out.put(id, c));
    }
    return out;
  }

  /** Inserts or replaces the customer with the same id. */
  void save(Customer customer);

  /**
   * Inserts the customer unless one with its id exists; whether it did. The default looks, then
   * saves: a store shared by several writers overrides it with one atomic insert, so that of two
   * creations of one id exactly one succeeds and neither replaces the other.
   */
  default boolean create(Customer customer) {
    if (find(customer.id()).isPresent()) {
      return false;
    }
    save(customer);
    return true;
  }

  /** How many customers there are (the management API caps organizations created through it). */
  long count();

  /** What {@link #createWithin} did. */
  enum Creation {
    /** The customer was inserted. */
    CREATED,
    /** A customer with its id exists; nothing changed. */
    EXISTS,
    /** The store holds as many customers as allowed; nothing changed. */
    FULL
  }

  /**
   * Inserts the customer unless the store holds {@code max} customers already or one with its id
   * exists, counting and inserting as one step: creations racing for the last places make no more
   * customers than fit. The default does both under a lock of this process ({@link #count} then
   * {@link #create}); a store shared by several processes overrides it (PostgreSQL: under a lock
   * every node takes).
   */
  default Creation createWithin(Customer customer, long max) {
    synchronized (ReplaceLocks.of("organizations:")) {
      if (count() >= max) {
        return Creation.FULL;
      }
      return create(customer) ? Creation.CREATED : Creation.EXISTS;
    }
  }

  /** A new, empty in-memory store. */
  static CustomerStore inMemory() {
    return new InMemoryCustomerStore();
  }
}
