package dev.monetize;

import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, once the key is verified: the customer (tenant), its plan, the public key id
 * and the key's scopes. Adapters expose it to endpoints (the servlet filter as a request
 * attribute) so that they can partition data by {@link #customerId()}.
 *
 * @param customer the customer
 * @param plan the customer's current plan
 * @param keyId public id of the key used
 * @param scopes scopes of the key
 */
public record Principal(Customer customer, Plan plan, String keyId, Set<String> scopes) {
  /** Validates and copies. */
  public Principal {
    Objects.requireNonNull(customer, "customer");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(keyId, "keyId");
    scopes = Set.copyOf(scopes);
  }

  /** The tenant id every piece of customer data is partitioned by. */
  public String customerId() {
    return customer.id();
  }
}
