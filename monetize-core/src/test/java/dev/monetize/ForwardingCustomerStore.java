package dev.monetize;

import dev.monetize.keys.CustomerStore;
import dev.monetize.plans.Customer;
import java.util.Optional;

/** A customer store over an in-memory one, for tests that make some of its reads or writes fail or wait. */
public class ForwardingCustomerStore implements CustomerStore {
  private final CustomerStore kept = CustomerStore.inMemory();

  @Override
  public Optional<Customer> find(String customerId) {
    return kept.find(customerId);
  }

  @Override
  public void save(Customer customer) {
    kept.save(customer);
  }

  @Override
  public long count() {
    return kept.count();
  }
}
