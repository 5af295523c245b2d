package dev.monetize.plans;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plans and operations of one service, checked against each other: every minimum plan and
 * every priced operation exists, ids are unique.
 *
 * <p>Built in code or loaded from YAML/JSON with {@link dev.monetize.config.CatalogLoader}.
 *
 * <pre>{@code
 * Catalog catalog = Catalog.builder()
 *     .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(5)).quota(Quota.daily(100)).build())
 *     .operation(Operation.builder("summary", "GET", "/v1/stats/summary").scope("stats:read").build())
 *     .build();
 * }</pre>
 */
public final class Catalog {
  private final Map<String, Plan> plans;
  private final Map<String, Operation> operations;
  private final dev.monetize.shield.ShieldPolicy shield;
  private final Map<String, SlaTarget> slas;
  private final Optional<CostModel> costs;
  private final List<TierRule> tierRules;
  private final java.util.Set<String> approval;

  private Catalog(Map<String, Plan> plans, Map<String, Operation> operations, dev.monetize.shield.ShieldPolicy shield,
      Map<String, SlaTarget> slas, Optional<CostModel> costs, List<TierRule> tierRules, java.util.Set<String> approval) {
    this.tierRules = tierRules;
    this.approval = approval;
    this.plans = plans;
    this.operations = operations;
    this.shield = shield;
    this.slas = slas;
    this.costs = costs;
  }

  /** What {@code plan} promises (the plans file's {@code sla}), if anything. */
  public Optional<SlaTarget> sla(String plan) {
    return Optional.ofNullable(slas.get(plan));
  }

  /** The rules that move customers between plans by usage, in order. */
  public List<TierRule> tierRules() {
    return tierRules;
  }

  /** Whether moving a customer to {@code plan} needs the operator's approval (tier rules only suggest it). */
  public boolean requiresApproval(String plan) {
    return approval.contains(plan);
  }

  /** What serving costs the provider (the plans file's {@code costs}), if declared. */
  public Optional<CostModel> costs() {
    return costs;
  }

  /** How the shield treats client addresses (the plans file's {@code shield}; defaults otherwise). */
  public dev.monetize.shield.ShieldPolicy shield() {
    return shield;
  }

  /**
   * Whether anything here uses the CPU time of calls: a plan pricing {@code cpu_ms} of an operation,
   * or a cost model with a {@code per_cpu_ms} above zero (what the engine measures it for by default).
   */
  public boolean usesCpuTime() {
    if (costs().filter(m -> m.perCpuMs().signum() > 0).isPresent()) {
      return true;
    }
    for (Plan p : plans()) {
      for (Operation o : operations()) {
        if (p.priceModel(o, "cpu_ms").isPresent()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding everything this catalog holds (plans, operations, shield, SLAs, costs), to add to. */
  public Builder toBuilder() {
    Builder b = new Builder().shield(shield);
    plans.values().forEach(b::plan);
    operations.values().forEach(b::operation);
    slas.forEach(b::sla);
    costs.ifPresent(b::costs);
    tierRules.forEach(b::tierRule);
    approval.forEach(b::requiresApproval);
    return b;
  }

  /** The plan of that name. */
  public Optional<Plan> plan(String name) {
    return Optional.ofNullable(plans.get(name));
  }

  /** All plans, lowest rank first. */
  public List<Plan> plans() {
    List<Plan> all = new ArrayList<>(plans.values());
    all.sort(Comparator.comparingInt(Plan::rank).thenComparing(Plan::name));
    return List.copyOf(all);
  }

  /** The operation of that id. */
  public Optional<Operation> operation(String id) {
    return Optional.ofNullable(operations.get(id));
  }

  /** All operations, in declaration order. */
  public Collection<Operation> operations() {
    return List.copyOf(operations.values());
  }

  /**
   * The lowest-ranked plan that includes {@code operation}: rank at least the operation's minimum
   * and scopes that grant its scope. Used in hints ("upgrade to pro").
   */
  public Optional<Plan> lowestPlanAllowing(Operation operation) {
    return plans().stream().filter(p -> allows(p, operation)).findFirst();
  }

  /**
   * The currency {@code plan} bills in: its own, else that of the priced operations it includes (one
   * currency, checked when the catalog is built); empty for a plan that prices nothing. An operation
   * the plan cannot call never chooses it.
   */
  public Optional<java.util.Currency> currencyOf(Plan plan) {
    return plan.currency().or(() -> operations.values().stream().filter(op -> allows(plan, op)).map(plan::priceOf)
        .flatMap(Optional::stream).map(Price::currency).findFirst());
  }

  /**
   * What in this catalog is allowed but probably a mistake, one sentence each (the engine logs them
   * at {@code WARN} when it is built): a deprecated version of a route that admits plans its
   * replacement refuses, so that those callers reach the route by asking for the old version.
   */
  public List<String> warnings() {
    return VersionAccess.warnings(this);
  }

  /** Whether {@code plan} includes {@code operation}. */
  public boolean allows(Plan plan, Operation operation) {
    if (operation.minimumPlan().isPresent()) {
      Plan min = plans.get(operation.minimumPlan().get());
      if (min == null || plan.rank() < min.rank()) {
        return false;
      }
    }
    return Scopes.grants(plan.scopes(), operation.scope());
  }

  /** Builder of {@link Catalog}. */
  public static final class Builder {
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private dev.monetize.shield.ShieldPolicy shield = dev.monetize.shield.ShieldPolicy.defaults();
    private final Map<String, SlaTarget> slas = new LinkedHashMap<>();
    private Optional<CostModel> costs = Optional.empty();
    private final List<TierRule> tierRules = new ArrayList<>();
    private final java.util.Set<String> approval = new java.util.TreeSet<>();

    private Builder() {}

    /** Adds a tier rule (evaluated in the order added). */
    public Builder tierRule(TierRule rule) {
      tierRules.add(java.util.Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Marks {@code plan} as needing the operator's approval: tier rules never move a customer onto it. */
    public Builder requiresApproval(String plan) {
      approval.add(java.util.Objects.requireNonNull(plan, "plan"));
      return this;
    }

    /** What {@code plan} promises its customers. */
    public Builder sla(String plan, SlaTarget target) {
      slas.put(java.util.Objects.requireNonNull(plan, "plan"), java.util.Objects.requireNonNull(target, "target"));
      return this;
    }

    /** What serving costs the provider. */
    public Builder costs(CostModel model) {
      this.costs = Optional.of(model);
      return this;
    }

    /** How the shield treats client addresses (default {@link dev.monetize.shield.ShieldPolicy#defaults()}). */
    public Builder shield(dev.monetize.shield.ShieldPolicy policy) {
      this.shield = java.util.Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Adds a plan; names must be unique. */
    public Builder plan(Plan plan) {
      if (plans.putIfAbsent(plan.name(), plan) != null) {
        throw new IllegalArgumentException("plan '" + plan.name() + "' is defined twice");
      }
      return this;
    }

    /** Adds an operation; ids must be unique. */
    public Builder operation(Operation operation) {
      if (operations.putIfAbsent(operation.id(), operation) != null) {
        throw new IllegalArgumentException("operation '" + operation.id() + "' is defined twice");
      }
      return this;
    }

    /** Checks the references between plans and operations and builds. */
    public Catalog build() {
      if (plans.isEmpty()) {
        throw new IllegalArgumentException("a catalog needs at least one plan");
      }
      for (Operation op : operations.values()) {
        op.minimumPlan().ifPresent(p -> {
          if (!plans.containsKey(p)) {
            throw new IllegalArgumentException("operation '" + op.id() + "': minimum plan '" + p
                + "' is not a plan (plans: " + plans.keySet() + ")");
          }
          int rank = plans.get(p).rank(); // a plan of the same rank would be let in as the minimum's equal
          List<String> tied = plans.values().stream().filter(o -> o.rank() == rank && !o.name().equals(p))
              .map(Plan::name).toList();
          if (!tied.isEmpty()) {
            throw new IllegalArgumentException("operation '" + op.id() + "': minimum plan '" + p + "' has rank " + rank
                + " as plans " + tied + " do, so they would be let in too; give the plans distinct ranks");
          }
        });
      }
      for (Plan plan : plans.values()) {
        java.util.Set<String> priced = new java.util.TreeSet<>(plan.prices().keySet());
        priced.addAll(plan.usagePrices().keySet());
        for (String op : priced) {
          if (!operations.containsKey(op)) {
            throw new IllegalArgumentException("plan '" + plan.name() + "': price for unknown operation '"
                + op + "' (operations: " + operations.keySet() + ")");
          }
        }
      }
      for (Operation op : operations.values()) {
        op.lifecycle().flatMap(Lifecycle::successor).ifPresent(next -> {
          if (!operations.containsKey(next) || next.equals(op.id())) {
            throw new IllegalArgumentException("operation '" + op.id() + "': successor '" + next
                + "' is not another operation (operations: " + operations.keySet() + ")");
          }
        });
      }
      java.util.Map<String, Operation> versionsOfARoute = new java.util.HashMap<>();
      for (Operation op : operations.values()) { // one route, its versions chosen by Api-Version: one template
        if (op.versionByHeader()) {
          String shape = op.method() + " " + op.pathTemplate().replaceAll("\\{[^}/]*}", "{}");
          Operation other = versionsOfARoute.putIfAbsent(shape, op);
          if (other != null && !other.pathTemplate().equals(op.pathTemplate())) {
            throw new IllegalArgumentException("operations '" + other.id() + "' and '" + op.id() + "' are versions of "
                + "one route chosen by Api-Version but name its path variables differently (" + other.pathTemplate()
                + ", " + op.pathTemplate() + "); use the same names");
          }
        }
      }
      for (TierRule r : tierRules) {
        for (String plan : List.of(r.from(), r.to())) {
          if (!plans.containsKey(plan)) {
            throw new IllegalArgumentException("tier rule '" + r.name() + "': plan '" + plan + "' is not a plan (plans: "
                + plans.keySet() + ")");
          }
        }
        if (r.when() instanceof TierRule.QuotaPressure q && plans.get(r.from()).quotas().stream()
            .noneMatch(x -> x.name().equals(q.quota()) && x.window() == QuotaWindow.DAY)) {
          throw new IllegalArgumentException("tier rule '" + r.name() + "': plan '" + r.from() + "' has no daily quota '"
              + q.quota() + "'");
        }
      }
      for (String plan : approval) {
        if (!plans.containsKey(plan)) {
          throw new IllegalArgumentException("requires_approval: '" + plan + "' is not a plan");
        }
      }
      for (String plan : slas.keySet()) {
        if (!plans.containsKey(plan)) {
          throw new IllegalArgumentException("an SLA for unknown plan '" + plan + "' (plans: " + plans.keySet() + ")");
        }
      }
      costs.ifPresent(c -> c.perCallByOperation().keySet().forEach(op -> {
        if (!operations.containsKey(op)) {
          throw new IllegalArgumentException("costs: unknown operation '" + op + "' (operations: " + operations.keySet()
              + ")");
        }
      }));
      Catalog catalog = new Catalog(Map.copyOf(plans),
          java.util.Collections.unmodifiableMap(new LinkedHashMap<>(operations)), shield, Map.copyOf(slas), costs, List.copyOf(tierRules),
          java.util.Set.copyOf(approval));
      costs.ifPresent(c -> plans.values().forEach(plan -> {
        Optional<java.util.Currency> billed = catalog.currencyOf(plan);
        if (billed.isPresent() && !billed.get().equals(c.currency())) {
          throw new IllegalArgumentException("plan '" + plan.name() + "' bills in " + billed.get() + " but costs are in "
              + c.currency() + ": margins compare amounts in one currency");
        }
      }));
      for (Plan plan : plans.values()) {
        for (Operation op : operations.values()) {
          if (catalog.allows(plan, op)) {
            requireAffordable(plan, op);
            requireBillable(plan, op);
          }
        }
        if (plan.currency().isEmpty()) { // priced by the operations only: still one currency per invoice
          java.util.Set<java.util.Currency> used = new java.util.TreeSet<>(
              java.util.Comparator.comparing(java.util.Currency::getCurrencyCode));
          operations.values().stream().filter(op -> catalog.allows(plan, op)).map(plan::callPrice)
              .flatMap(java.util.Optional::stream).forEach(p -> used.add(p.currency()));
          if (used.size() > 1) {
            throw new IllegalArgumentException("plan '" + plan.name() + "' is billed in one currency, but its "
                + "operations are priced in " + used + "; give the plan a currency and its own prices");
          }
        }
      }
      return catalog;
    }

    /** A plan bills in one currency, and a prepaid plan's wallet must take each call's price exactly. */
    private static void requireBillable(Plan plan, Operation op) {
      java.util.Optional<Price> price = plan.priceOf(op);
      if (price.isEmpty()) {
        return;
      }
      if (plan.currency().isPresent() && plan.callPrice(op).isPresent()
          && !plan.currency().get().equals(price.get().currency())) {
        throw new IllegalArgumentException("plan '" + plan.name() + "' bills in " + plan.currency().get()
            + " but operation '" + op.id() + "' is priced in " + price.get().currency()
            + "; give the plan its own price for it (prices." + op.id() + ")");
      }
      if (plan.prepaid()) {
        PlanPrices.requireWalletExact(plan.name(), op.id(), price.get().amount());
      }
    }

    /** An operation whose cost exceeds what a limit can ever admit at once would always be refused. */
    private static void requireAffordable(Plan plan, Operation op) {
      if (op.cost() > plan.rate().burst() + 1) {
        throw new IllegalArgumentException("plan '" + plan.name() + "': operation '" + op.id() + "' costs "
            + op.cost() + " units but the rate admits at most " + (plan.rate().burst() + 1)
            + " at once, so it would always be refused; set the rate's burst to at least " + (op.cost() - 1));
      }
      if (plan.overage() == Overage.BLOCK) {
        for (Quota q : plan.quotas()) {
          if (op.cost() > q.limit()) {
            throw new IllegalArgumentException("plan '" + plan.name() + "': operation '" + op.id() + "' costs "
                + op.cost() + " units but quota '" + q.name() + "' allows only " + q.limit()
                + " per window, so it would always be refused");
          }
        }
      }
    }
  }
}
