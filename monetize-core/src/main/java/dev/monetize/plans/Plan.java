package dev.monetize.plans;

import dev.monetize.billing.PriceModel;
import java.util.ArrayList;
import java.util.Currency;
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
 * @param currency the currency of the plan's usage prices ({@code usagePrices}); every amount of a
 *     plan is in one currency
 * @param minimum the least the plan's usage charges come to per billing period (a commitment,
 *     prorated like the fee), if any
 * @param usagePrices price models per operation id and unit ({@code calls}, {@code bytes_out}, a
 *     custom unit...); for calls they override {@code prices} and the operation's own price
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
    Optional<Price> fee,
    Optional<Currency> currency,
    Optional<Price> minimum,
    Map<String, Map<String, PriceModel>> usagePrices) {
  /** The unit every call counts one of. */
  public static final String CALLS = "calls";

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
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(minimum, "minimum");
    usagePrices = PlanPrices.copy(name, usagePrices);
    currency = PlanPrices.currency(name, currency, fee, minimum, prices, usagePrices);
    if (prepaid) {
      PlanPrices.checkPrepaid(name, prices, usagePrices);
    }
  }

  /** A plan without concurrency limit or credits, blocking at its quotas. */
  public Plan(String name, int rank, Rate rate, List<Quota> quotas, Set<String> scopes, Set<String> features,
      Map<String, Price> prices) {
    this(name, rank, rate, quotas, scopes, features, prices, Optional.empty(), false, Overage.BLOCK, Optional.empty(),
        Optional.empty(), Optional.empty(), Map.of());
  }

  /** The price of a call of an operation on this plan: the plan's own, else the operation's. */
  public Optional<Price> priceOf(Operation operation) {
    Price own = prices.get(operation.id());
    return own != null ? Optional.of(own) : operation.price();
  }

  /**
   * The per-call price this plan's invoices bill {@code operation}'s calls at ({@link #priceOf}):
   * empty when the plan prices those calls with a model of its own ({@code prices.<op>.calls}), which
   * is what is billed then (in the plan's currency).
   */
  public Optional<Price> callPrice(Operation operation) {
    return usagePrices.getOrDefault(operation.id(), Map.of()).containsKey(CALLS) ? Optional.empty()
        : priceOf(operation);
  }

  /**
   * How this plan prices {@code unit} of {@code operation}: its own model for the unit, else, for
   * calls, its per-call price or the operation's.
   */
  public Optional<PriceModel> priceModel(Operation operation, String unit) {
    Map<String, PriceModel> own = usagePrices.get(operation.id());
    PriceModel model = own == null ? null : own.get(unit);
    if (model != null || !unit.equals(CALLS)) {
      return Optional.ofNullable(model);
    }
    return priceOf(operation).map(p -> new PriceModel.PerUnit(p.amount()));
  }

  /** Every unit of {@code operation} this plan prices, calls first, with its model. */
  public Map<String, PriceModel> priceModels(Operation operation) {
    Map<String, PriceModel> out = new LinkedHashMap<>();
    priceModel(operation, CALLS).ifPresent(m -> out.put(CALLS, m));
    new java.util.TreeMap<>(usagePrices.getOrDefault(operation.id(), Map.of())).forEach(out::putIfAbsent);
    return java.util.Collections.unmodifiableMap(out);
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
    private boolean scopesGiven;
    private final Set<String> features = new LinkedHashSet<>();
    private final Map<String, Price> prices = new LinkedHashMap<>();
    private Optional<Concurrency> concurrency = Optional.empty();
    private boolean prepaid;
    private Overage overage = Overage.BLOCK;
    private Optional<Price> fee = Optional.empty();
    private Optional<Currency> currency = Optional.empty();
    private Optional<Price> minimum = Optional.empty();
    private final Map<String, Map<String, PriceModel>> usagePrices = new LinkedHashMap<>();

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

    /**
     * Adds allowed scopes. Without a call the plan allows every scope ({@code *}); a call with none
     * is refused at {@link #build}: an empty list computed from elsewhere must not grant everything.
     */
    public Builder scopes(String... scopes) {
      this.scopes.addAll(List.of(scopes));
      this.scopesGiven = true;
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

    /** A recurring fee per billing period, prorated by the seconds on the plan. */
    public Builder fee(Price fee) {
      this.fee = Optional.of(fee);
      return this;
    }

    /** The currency of the usage prices (the fee's, when it has one, must agree). */
    public Builder currency(Currency currency) {
      this.currency = Optional.of(currency);
      return this;
    }

    /** The least the plan's usage charges come to per billing period, prorated like the fee. */
    public Builder minimum(Price minimum) {
      this.minimum = Optional.of(minimum);
      return this;
    }

    /** Prices {@code unit} of {@code operationId} (calls, bytes_out, a custom unit...) by {@code model}. */
    public Builder price(String operationId, String unit, PriceModel model) {
      usagePrices.computeIfAbsent(operationId, k -> new LinkedHashMap<>()).put(unit, model);
      return this;
    }

    /** Validates and builds. */
    public Plan build() {
      if (scopesGiven && scopes.isEmpty()) {
        throw new IllegalArgumentException("plan '" + name + "': scopes were given as an empty list, which would allow "
            + "every scope; list the scopes its keys may use, or give none for every scope ('*')");
      }
      Set<String> s = scopes.isEmpty() ? Set.of("*") : scopes;
      return new Plan(name, rank, rate, quotas, s, features, prices, concurrency, prepaid, overage, fee, currency,
          minimum, usagePrices);
    }
  }
}
