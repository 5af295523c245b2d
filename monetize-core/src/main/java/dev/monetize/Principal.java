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
 * @param scopes scopes of the key (of the token, when a token was presented)
 * @param limitOverrides the key's own limits by policy name, as it was issued with them: each a
 *     restriction counted on the key besides its organization's limit (binding while it is at most
 *     the plan's), or one of {@code raisedLimits}
 * @param credential how the caller authenticated (the key itself, or a token minted from it)
 * @param raisedLimits the limits the operator raised above the plan when it issued the key: the key's
 *     own in place of its organization's, while they are above the plan
 */
public record Principal(Customer customer, Plan plan, String keyId, Set<String> scopes,
    java.util.Map<String, Long> limitOverrides, Credential credential, Set<String> raisedLimits) {
  /** Validates and copies. */
  public Principal {
    Objects.requireNonNull(customer, "customer");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(keyId, "keyId");
    scopes = Set.copyOf(scopes);
    limitOverrides = java.util.Map.copyOf(limitOverrides);
    Objects.requireNonNull(credential, "credential");
    raisedLimits = Set.copyOf(raisedLimits);
  }

  /** A principal whose overrides are all restrictions. */
  public Principal(Customer customer, Plan plan, String keyId, Set<String> scopes,
      java.util.Map<String, Long> limitOverrides, Credential credential) {
    this(customer, plan, keyId, scopes, limitOverrides, credential, Set.of());
  }

  /** A principal authenticated with key {@code keyId} itself. */
  public Principal(Customer customer, Plan plan, String keyId, Set<String> scopes,
      java.util.Map<String, Long> limitOverrides) {
    this(customer, plan, keyId, scopes, limitOverrides, Credential.key());
  }

  /** A principal whose key has no limit overrides. */
  public Principal(Customer customer, Plan plan, String keyId, Set<String> scopes) {
    this(customer, plan, keyId, scopes, java.util.Map.of(), Credential.key());
  }

  /** The tenant id every piece of customer data is partitioned by. */
  public String customerId() {
    return customer.id();
  }

  /** The organization id of the operator credential's principal: no customer's, never in a store. */
  public static final String OPERATOR_ORGANIZATION = "monetize.operator";

  /** Whether this is the deployment's operator (the operator credential), which is no customer. */
  public boolean operator() {
    return credential.isOperator();
  }
}
