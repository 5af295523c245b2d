package dev.monetize.keys;

import dev.monetize.plans.Customer;
import java.util.Optional;

/**
 * Customers (organizations, tenants) and their plans. Saving one whose plan changed records the
 * change, so invoices prorate the period across it.
 *
 * <pre>{@code
 * monetize.customers().save(Customer.of("acme", "pro"));
 * }</pre>
 */
public interface CustomerService {
  /**
   * Adds or updates a customer; a plan change applies at its next request.
   *
   * @throws IllegalArgumentException when its plan is not in the catalog
   */
  void save(Customer customer);

  /**
   * Adds a customer unless one with its id exists (then nothing changes); whether it was added. Of
   * two creations of one id at once exactly one succeeds, on a store that inserts atomically.
   *
   * @throws IllegalArgumentException when its plan is not in the catalog
   */
  default boolean create(Customer customer) {
    if (find(customer.id()).isPresent()) {
      return false;
    }
    save(customer);
    return true;
  }

  /**
   * Adds a customer unless there are {@code max} customers already or one with its id exists, counted
   * and added as one step ({@link CustomerStore#createWithin}): what the management API's cap on
   * organizations uses. The default counts, then creates.
   *
   * @throws IllegalArgumentException when its plan is not in the catalog
   */
  default CustomerStore.Creation createWithin(Customer customer, long max) {
    if (count() >= max) {
      return CustomerStore.Creation.FULL;
    }
    return create(customer) ? CustomerStore.Creation.CREATED : CustomerStore.Creation.EXISTS;
  }

  /** The customer of that id. */
  Optional<Customer> find(String customerId);

  /** How many customers there are. */
  long count();
}
