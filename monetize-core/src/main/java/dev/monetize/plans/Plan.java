package dev.monetize.plans;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A named tier: its rank, rate with burst, quotas, the scopes and features it includes and its
 * prices per operation.
 *
 * <pre>{@code
 * Plan free = Plan.builder("free")
 *     .rank(0)
 *     .rate(Rate.perSecond(5).withBurst(5))
 *     .quota(Quota.daily(1_000))
 *     .scopes("stats:*", "events:write")
 *     .build();
 * }</pre>
 *
 * @param name plan name, lower case
 * @param rank higher ranks include everything lower ranks do (used by minimum plans)
 * @param rate the request rate with burst
 * @param quotas one or more quotas, with distinct names
 * @param scopes the scopes a key on this plan can exercise ({@code *} for all)
 * @param features feature flags the endpoints can read
 * @param prices price per operation id, overriding the operation's own price
 * @param concurrency limit on requests in flight, if any
 * @param prepaid whether calls are paid from prepaid credits (the operation's price is deducted
 *     from the customer's balance; an empty balance answers {@code 402 credits_exhausted})
 * @param overage what happens once a quota is used up
 * @param fee the recurring fee per billing period, if any (prorated when the plan changes mid-period)
 */
public record Plan(
    String name,
    int rank,
    Rate rate,
    List<Quota> quotas,
    Set<String> scopes,
    Set<String> features,
    Map<String, Price> prices,
    Optional<Concurrency> concurrency,
    boolean prepaid,
    Overage overage,
    Optional<Price> fee) {

  /** Validates the values and names the wrong one. */
  public Plan {
    Names.requirePlanName(name, "plan name");
    Objects.requireNonNull(rate, "plan '" + name + "': rate");
    if (rank < 0 || rank > 1000) {
      throw new IllegalArgumentException("plan '" + name + "': rank must be 0..1000, got " + rank);
    }
    quotas = List.copyOf(quotas);
    if (quotas.isEmpty()) {
      throw new IllegalArgumentException("plan '" + name + "': needs at least one quota");
    }
    Set<String> seen = new HashSet<>();
    seen.add("rate");
    seen.add("concurrency");
    seen.add("credits");
    seen.add("mgmt"); // the management API's own limits live under {customer}:mgmt
    for (Quota q : quotas) {
      if (!seen.add(q.name())) {
        throw new IllegalArgumentException("plan '" + name + "': policy name '" + q.name()
            + "' is used twice or reserved (names must be distinct and not 'rate', 'concurrency', 'credits' or 'mgmt')");
      }
    }
    scopes = Set.copyOf(new LinkedHashSet<>(scopes));
    for (String s : scopes) {
      Names.requireScope(s, "plan '" + name + "' scope");
    }
    features = Set.copyOf(features);
    prices = Map.copyOf(prices);
    for (String op : prices.keySet()) {
      Names.requireOperationId(op, "plan '" + name + "' price operation");
    }
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(overage, "overage");
    Objects.requireNonNull(fee, "fee");
  }

  /** A plan without concurrency limit or credits, blocking at its quotas. */
  public Plan(String name, int rank, Rate rate, List<Quota> quotas, Set<String> scopes, Set<String> features,
      Map<String, Price> prices) {
    this(name, rank, rate, quotas, scopes, features, prices, Optional.empty(), false, Overage.BLOCK, Optional.empty());
  }

  /** The price of an operation on this plan: the plan's own, else the operation's. */
  public Optional<Price> priceOf(Operation operation) {
    Price own = prices.get(operation.id());
    return own != null ? Optional.of(own) : operation.price();
  }

  /** Starts a builder; scopes default to {@code *}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Whether the plan includes a feature flag. */
  public boolean hasFeature(String feature) {
    return features.contains(feature);
  }

  /** Builder of {@link Plan}. */
  public static final class Builder {
    private final String name;
    private int rank;
    private Rate rate;
    private final List<Quota> quotas = new ArrayList<>();
    private final Set<String> scopes = new LinkedHashSet<>();
    private final Set<String> features = new LinkedHashSet<>();
    private final Map<String, Price> prices = new LinkedHashMap<>();
    private Optional<Concurrency> concurrency = Optional.empty();
    private boolean prepaid;
    private Overage overage = Overage.BLOCK;
    private Optional<Price> fee = Optional.empty();

    private Builder(String name) {
      this.name = name;
    }

    /** The rank; higher ranks include lower ones. */
    public Builder rank(int rank) {
      this.rank = rank;
      return this;
    }

    /** The request rate with burst. */
    public Builder rate(Rate rate) {
      this.rate = rate;
      return this;
    }

    /** Adds a quota. */
    public Builder quota(Quota quota) {
      quotas.add(quota);
      return this;
    }

    /** Adds allowed scopes. */
    public Builder scopes(String... scopes) {
      this.scopes.addAll(List.of(scopes));
      return this;
    }

    /** Adds feature flags. */
    public Builder features(String... features) {
      this.features.addAll(List.of(features));
      return this;
    }

    /** Sets the price of an operation on this plan. */
    public Builder price(String operationId, Price price) {
      prices.put(operationId, price);
      return this;
    }

    /** Limits requests in flight. */
    public Builder concurrency(Concurrency concurrency) {
      this.concurrency = Optional.of(concurrency);
      return this;
    }

    /** Pays calls from prepaid credits. */
    public Builder prepaid(boolean prepaid) {
      this.prepaid = prepaid;
      return this;
    }

    /** What happens once a quota is used up (default {@link Overage#BLOCK}). */
    public Builder overage(Overage overage) {
      this.overage = overage;
      return this;
    }

    /** A recurring fee per billing period, prorated by the days on the plan. */
    public Builder fee(Price fee) {
      this.fee = Optional.of(fee);
      return this;
    }

    /** Validates and builds. */
    public Plan build() {
      Set<String> s = scopes.isEmpty() ? Set.of("*") : scopes;
      return new Plan(name, rank, rate, quotas, s, features, prices, concurrency, prepaid, overage, fee);
    }
  }
}
