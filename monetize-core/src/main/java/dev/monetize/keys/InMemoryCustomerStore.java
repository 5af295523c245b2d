package dev.monetize.keys;

import dev.monetize.plans.Customer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The zero-infrastructure {@link CustomerStore}. */
final class InMemoryCustomerStore implements CustomerStore {
  private final ConcurrentHashMap<String, Customer> customers = new ConcurrentHashMap<>();

  @Override
  public Optional<Customer> find(String customerId) {
    return Optional.ofNullable(customers.get(customerId));
  }

  @Override
  public void save(Customer customer) {
    customers.put(customer.id(), customer);
  }

  @Override
  public boolean create(Customer customer) {
    return customers.putIfAbsent(customer.id(), customer) == null;
  }

  @Override
  public long count() {
    return customers.size();
  }
}
