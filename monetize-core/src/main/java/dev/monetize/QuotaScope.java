package dev.monetize;

import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.QuotaPolicy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which calls a quota's cell counts: every call of the customer, or those of one key and, or, one
 * operation (either null for any). Read off the cell's key as the limit step builds it, for
 * {@link QuotaRestore}.
 *
 * @param keyIdOrNull the key whose calls count, or null for every key
 * @param operationIdOrNull the operation whose calls count, or null for every operation
 */
record QuotaScope(String keyIdOrNull, String operationIdOrNull) {
  static final QuotaScope CUSTOMER = new QuotaScope(null, null);
  private static final String OWN = ":own";

  /** Whether a call of {@code operationId} with {@code keyId} (null: any key) counts. */
  boolean counts(String keyId, String operationId) {
    return (keyIdOrNull == null || keyId == null || keyIdOrNull.equals(keyId))
        && (operationIdOrNull == null || operationIdOrNull.equals(operationId));
  }

  /**
   * What the quota of {@code r} counts: the customer's calls, a key's, an operation's, or a key's
   * calls of an operation (a key's own limit on a quota per operation). Empty for a quota per
   * address ({@code perAddress} names them and the key limits on them) and for a key it does not
   * know.
   *
   * @param templates the customer's limits, as the limit step built its keys from them
   */
  static Optional<QuotaScope> of(LimitRequest r, List<LimitTemplate> templates, Set<String> perAddress, String keyId,
      String operationIdOrNull) {
    if (perAddress.contains(r.policy().name())) {
      return Optional.empty(); // found without building a key: per address, every call for a month
    }
    Optional<QuotaScope> plain = match(r.key(), templates, keyId, operationIdOrNull, false);
    if (plain.isPresent() || !r.key().endsWith(OWN)) {
      return plain; // an operation's id may end in ":own": the plain keys are matched first
    }
    return match(r.key().substring(0, r.key().length() - OWN.length()), templates, keyId, operationIdOrNull, true);
  }

  private static Optional<QuotaScope> match(String key, List<LimitTemplate> templates, String keyId,
      String operationIdOrNull, boolean own) {
    for (LimitTemplate t : templates) {
      if (!(t.perCustomer().policy() instanceof QuotaPolicy)) {
        continue;
      }
      String byKey = t.prefix() + ":k:" + keyId;
      switch (t.scope()) {
        case CUSTOMER -> {
          if (!own && key.equals(t.prefix())) {
            return Optional.of(CUSTOMER);
          }
          if (own && key.equals(byKey)) {
            return Optional.of(new QuotaScope(keyId, null));
          }
        }
        case KEY -> {
          if (key.equals(byKey)) {
            return Optional.of(new QuotaScope(keyId, null));
          }
        }
        case OPERATION -> {
          String byOperation = t.prefix() + ":o:" + operationIdOrNull;
          if (operationIdOrNull != null && !own && key.equals(byOperation)) {
            return Optional.of(new QuotaScope(null, operationIdOrNull));
          }
          if (operationIdOrNull != null && own && key.equals(byOperation + ":k:" + keyId)) {
            return Optional.of(new QuotaScope(keyId, operationIdOrNull));
          }
        }
        case IP -> { } // the ledger does not know addresses
      }
    }
    return Optional.empty();
  }
}
