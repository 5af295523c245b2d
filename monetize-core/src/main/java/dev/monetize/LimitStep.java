package dev.monetize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.RateLimitHeaders;
import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.OverloadSignal;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import dev.monetize.limits.internal.PackedPolicies;
import dev.monetize.limits.internal.PackingLimiterStore;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Concurrency;
import dev.monetize.plans.Customer;
import dev.monetize.plans.LimitScope;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Overage;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import dev.monetize.billing.PriceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limit step of the pipeline: load shedding, then every limit of the customer's plan (rate,
 * quotas, concurrency, credits) checked and charged in one store call, then the refusal, if any,
 * turned into a decision that names the plan that would allow more.
 */
final class LimitStep {
  private static final Logger LOG = LoggerFactory.getLogger(LimitStep.class);
  static final String CREDITS = "credits";

  private final Catalog catalog;
  /** What a refusal says, and which plan it offers. */
  private final LimitRefusals refusals;
  private final LimiterStore store;
  /** The store, when it answers rates and quotas without a verdict (in memory); else null. */
  private final PackingLimiterStore packing;
  private final OverloadSignal overload;
  private final boolean shedding;
  private final long overloadRetryAfterSeconds;
  private final LongAdder inFlight = new LongAdder();
  private final LongAdder storeOutages = new LongAdder();
  private static final long OUTAGE_WARN_EVERY_NANOS = 10_000_000_000L;
  private final java.util.concurrent.atomic.AtomicLong lastOutageWarning =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - OUTAGE_WARN_EVERY_NANOS);
  private final LongAdder shed = new LongAdder();
  private final LongAdder storeCalls = new LongAdder();
  /**
   * Each customer's limits, built once from its plan: a cache (rebuilt on a miss), bounded so that
   * memory does not grow with the customers ever seen.
   */
  private final Cache<String, CustomerLimits> byCustomer = Caffeine.newBuilder().maximumSize(100_000).build();


  /** The limits of one customer on one plan, built once. */
  private record CustomerLimits(Customer customer, Plan plan, List<LimitTemplate> templates,
      List<LimitRequest> unitCostRequests, boolean allPerCustomer, boolean packs, AtomicReference<String> policyHeader,
      long restoreUntil, java.util.concurrent.atomic.AtomicBoolean restored, java.util.Set<String> perAddress,
      boolean quotasPerCustomer) {}

  /** Restores quotas counted in memory from the usage ledger after a restart; null when there is nothing to restore. */
  private final QuotaRestore restore;

  /** Where tier rules' suggestions are read (set once the engine is built). */
  void suggestions(java.util.function.Function<String, Optional<String>> lookup) {
    refusals.suggestions(lookup);
  }

  LimitStep(Catalog catalog, LimiterStore store, OverloadSignal overload, boolean shedding, long overloadRetryAfterSeconds,
      QuotaRestore restoreOrNull) {
    this.catalog = catalog;
    this.refusals = new LimitRefusals(catalog);
    this.restore = restoreOrNull;
    this.store = store;
    // balances kept apart: a call without a price packs in the store of the other limits
    LimiterStore limitsStore = store instanceof dev.monetize.limits.CreditsApart apart ? apart.limits() : store;
    this.packing = limitsStore instanceof PackingLimiterStore p ? p : null;
    this.overload = overload;
    this.shedding = shedding;
    this.overloadRetryAfterSeconds = overloadRetryAfterSeconds;
  }

  /**
   * Checks and charges the limits of the caller {@code identified} admitted so far, and leaves what
   * it decided in {@code into} (with what {@link #release} needs later: no wrapper per request).
   */
  void check(Decision identified, Operation op, ApiRequest request, long now, Admission into) {
    check(identified, op, request, now, shedding, into);
  }

  /** The same; {@code mayShed} false checks the limits even when the service sheds load. */
  void check(Decision identified, Operation op, ApiRequest request, long now, boolean mayShed, Admission into) {
    Principal principal = identified.principal().orElseThrow();
    Plan plan = principal.plan();
    if (mayShed) {
      int minimumRank = overload.minimumRank(catalog.plans(), inFlight.sum());
      if (plan.rank() < minimumRank) {
        shed.increment();
        Decision d = Decision.refuseLimit(ErrorCode.OVERLOADED, "The service is overloaded and serves higher plans first.",
            ErrorCode.OVERLOADED.hint(), principal, op, List.of(), overloadRetryAfterSeconds);
        into.limited(d, List.of(), null, "");
        return;
      }
    }
    CustomerLimits limits = limitsOf(principal.customer(), plan, now);
    List<LimitRequest> requests = requestsFor(limits, principal, op, request);
    LimitVerdict verdict;
    try {
      if (mayRestore(limits, principal, now)) {
        restoreQuotas(limits, principal, op.id(), requests, now);
        now = Math.max(now, restore.now()); // the ledger's read may have taken seconds: the limits charge now
      }
      storeCalls.increment();
      if (packing != null && (requests == limits.unitCostRequests() ? limits.packs() : PackedPolicies.packsAll(requests))) {
        PackedPolicies states = packing.acquirePacked(requests, now); // in memory: no verdict when admitted
        if (states.admitted()) {
          admitted(identified, plan, states, states.exceeded(), requests, null, limits, into);
          return;
        }
        verdict = states.refusal();
      } else {
        verdict = store.acquire(requests, now);
      }
    } catch (LimiterUnavailableException e) {
      storeOutages.increment();
      long last = lastOutageWarning.get();
      if (System.nanoTime() - last >= OUTAGE_WARN_EVERY_NANOS && lastOutageWarning.compareAndSet(last, System.nanoTime())) {
        LOG.warn("limiter store unavailable for request {} (said once every 10 s; {} refused so far): {}",
            request.requestId(), storeOutages.sum(), e.getMessage());
      }
      Decision d = Decision.refuseLimit(ErrorCode.STORE_UNAVAILABLE, "Your limits cannot be checked right now.",
          ErrorCode.STORE_UNAVAILABLE.hint(), principal, op, List.of(), 1);
      into.limited(d, List.of(), null, "");
      return;
    }
    if (verdict.admitted()) {
      admitted(identified, plan, verdict.policies(), verdict.exceeded(), requests, verdict, limits, into);
      return;
    }
    into.limited(refusals.of(principal, op, requests, verdict), requests, verdict,
        policyHeader(limits, requests, verdict.policies()));
  }

  /**
   * Whether a quota of the call may still need its earlier runs' calls: in a window that held the
   * start, unless every quota of the customer is restored and the key has no limits of its own.
   */
  private boolean mayRestore(CustomerLimits limits, Principal principal, long now) {
    return restore != null && now < limits.restoreUntil()
        && (!limits.restored().get() || !principal.limitOverrides().isEmpty());
  }

  /** The quotas of a customer's first calls after a restart, given back what the ledger holds of their windows. */
  private void restoreQuotas(CustomerLimits limits, Principal principal, String operationIdOrNull,
      List<LimitRequest> requests, long now) {
    boolean all = restore.done(requests, limits.perAddress()) || restore.restore(principal.customerId(), requests,
        limits.perAddress(),
        r -> QuotaScope.of(r, limits.templates(), limits.perAddress(), principal.keyId(), operationIdOrNull), now);
    if (all && limits.quotasPerCustomer() && principal.limitOverrides().isEmpty()) {
      limits.restored().set(true); // the customer's own limits only: calls without a key's limits skip the restore
    }
  }

  private void admitted(Decision identified, Plan plan, List<PolicyState> states, boolean exceeded,
      List<LimitRequest> requests, LimitVerdict verdictOrNull, CustomerLimits limits, Admission into) {
    String policyHeader = policyHeader(limits, requests, states);
    inFlight.increment(); // last: nothing between it and the admission that releases it
    into.admitted(identified, states, exceeded && plan.overage() == Overage.BILL,
        exceeded && plan.overage() == Overage.DEGRADE, requests, verdictOrNull, policyHeader);
  }

  /**
   * The {@code RateLimit-Policy} value, formatted once per customer and plan: it depends on the
   * policies, not on what remains of them. Empty when the request's limits are not the customer's
   * usual ones (the adapter then formats it).
   */
  private static String policyHeader(CustomerLimits limits, List<LimitRequest> requests, List<PolicyState> states) {
    if (limits.unitCostRequests() != requests) {
      return "";
    }
    String cached = limits.policyHeader().get();
    if (cached == null) {
      List<PolicyState> announced = RateLimitHeaders.announced(states);
      cached = announced.isEmpty() ? "" : RateLimitHeaders.policy(announced);
      limits.policyHeader().set(cached);
    }
    return cached;
  }

  /** Frees what an admitted request holds (concurrency slots, the in-flight count). */
  void release(Admission outcome) {
    if (!outcome.charged()) {
      return;
    }
    inFlight.decrement();
    LimitVerdict verdict = outcome.verdictOrNull();
    if (verdict == null) { // packed: rates and quotas only, nothing held
      return;
    }
    for (LimitRequest r : outcome.requests()) {
      if (r.policy() instanceof ConcurrencyPolicy) {
        try {
          store.release(outcome.requests(), verdict);
        } catch (RuntimeException e) {
          LOG.warn("releasing concurrency slots failed (they expire on their own): {}", e.toString());
        }
        return;
      }
    }
  }

  long inFlight() {
    return inFlight.sum();
  }

  long storeOutages() {
    return storeOutages.sum();
  }

  long shedRequests() {
    return shed.sum();
  }

  /** Checks handed to the limiter store (one round trip each on Redis). */
  long storeCalls() {
    return storeCalls.sum();
  }

  /** What the store counts of its own work (its fallback's decisions, late charges), whatever wraps it. */
  dev.monetize.limits.StoreCounters storeCounters() {
    return store.counters();
  }

  /**
   * The limits a usage report shows for {@code principal}: the customer's, and those of the
   * caller's key (its own limits included); per-operation and per-address limits are left out
   * (there is one per operation or address).
   */
  private List<LimitRequest> reportRequests(Principal principal, long now) {
    CustomerLimits limits = limitsOf(principal.customer(), principal.plan(), now);
    List<LimitRequest> out = new ArrayList<>();
    for (LimitTemplate t : limits.templates()) {
      if (t.scope() == LimitScope.CUSTOMER) {
        out.add(t.perCustomer());
      } else if (t.scope() == LimitScope.KEY && !principal.keyId().isEmpty()) { // an organization's view: no key
        LimitRequest b = t.perCustomer();
        out.add(new LimitRequest(t.prefix() + ":k:" + principal.keyId(), b.policy(), 1, b.soft(), b.onOutage()));
      }
    }
    // the caller's key's own limits as admission applies them: a restriction beside the organization's, a raise in its place
    return principal.limitOverrides().isEmpty() || principal.keyId().isEmpty() ? out : withKeyOverrides(out, principal);
  }

  /**
   * The states of {@link #reportRequests} now, without charging: after a restart, the quotas are
   * restored first (a report whose restore fails shows what this process counted).
   */
  List<PolicyState> peek(Principal principal, long now) {
    List<LimitRequest> requests = reportRequests(principal, now);
    if (restore != null) {
      CustomerLimits limits = limitsOf(principal.customer(), principal.plan(), now);
      if (mayRestore(limits, principal, now)) {
        try {
          restoreQuotas(limits, principal, null, requests, now);
        } catch (RuntimeException e) {
          LOG.warn("usage report of {} without its quotas' calls before the restart: {}", principal.customerId(),
              e.getMessage());
        }
      }
    }
    return store.peek(requests, now);
  }

  /** Applies a wallet entry to the customer's prepaid balance, once per entry id. */
  dev.monetize.limits.CreditEntry applyCredits(String customerId, String entryId, long micros) {
    return store.applyCredits(creditKey(customerId), entryId, micros);
  }

  /** The customer's prepaid balance in micro-units. */
  long credits(String customerId) {
    return store.credits(creditKey(customerId));
  }

  private static String tag(String customerId) {
    return "{" + customerId + "}:";
  }

  static String creditKey(String customerId) {
    return tag(customerId) + CREDITS;
  }

  private static List<LimitRequest> requestsFor(CustomerLimits limits, Principal principal, Operation op,
      ApiRequest request) {
    long credits = creditCost(principal.plan(), op);
    if (limits.allPerCustomer() && op.cost() == 1 && credits == 0 && principal.limitOverrides().isEmpty()) {
      return limits.unitCostRequests(); // the common case builds nothing
    }
    List<LimitRequest> out = new ArrayList<>(limits.templates().size() + 1);
    for (LimitTemplate t : limits.templates()) {
      LimitRequest base = t.perCustomer();
      if (t.scope() != LimitScope.CUSTOMER) {
        String key = switch (t.scope()) {
          case KEY -> t.prefix() + ":k:" + principal.keyId();
          case OPERATION -> t.prefix() + ":o:" + op.id();
          case IP -> t.prefix() + ":ip:" + dev.monetize.http.Cidr.clientKey(request.remoteAddress());
          case CUSTOMER -> t.prefix();
        };
        base = new LimitRequest(key, base.policy(), base.cost(), base.soft(), base.onOutage());
      }
      // concurrency counts requests; rates and quotas count the operation's weighted cost
      out.add(base.policy() instanceof ConcurrencyPolicy ? base : base.withCost(op.cost()));
    }
    if (!principal.limitOverrides().isEmpty()) {
      out = withKeyOverrides(out, principal);
    }
    if (credits > 0) {
      out.add(new LimitRequest(creditKey(principal.customerId()), new CreditPolicy(CREDITS), credits));
    }
    return out;
  }

  /**
   * Applies a key's own limits as they apply on its plan now. A restriction at most the plan's: an
   * extra limit on the key alone (named {@code <policy>-key}), so the key also keeps counting against
   * its organization; above the plan (after a downgrade) it does not bind. A limit the operator raised
   * ({@link Principal#raisedLimits()}) above the plan: the key's own limit in place of the
   * organization's; once a plan is as generous, the plan's. Which is which was decided when the key
   * was issued, never read off the plan of the day.
   */
  private static List<LimitRequest> withKeyOverrides(List<LimitRequest> in, Principal principal) {
    List<LimitRequest> out = new ArrayList<>(in.size() + 2);
    for (LimitRequest r : in) {
      Long v = principal.limitOverrides().get(r.policy().name());
      LimitPolicy own = v == null ? null : withLimit(r.policy(), v);
      boolean raised = own != null && principal.raisedLimits().contains(r.policy().name());
      if (own == null || (raised ? v <= r.policy().quota() : v > r.policy().quota())) {
        out.add(r); // no override, or one that does not apply on this plan: the organization's limit alone
        continue;
      }
      String keyScoped = r.key().contains(":k:") ? r.key() : r.key() + ":k:" + principal.keyId();
      if (v <= r.policy().quota()) {
        out.add(r);
        out.add(new LimitRequest(keyScoped + ":own", renamed(own, r.policy().name() + "-key"), r.cost(), r.soft(),
            r.onOutage()));
      } else {
        out.add(new LimitRequest(keyScoped + ":own", own, r.cost(), r.soft(), r.onOutage()));
      }
    }
    return out;
  }

  /** Whether {@code r} is a key's own restriction below its plan ({@link #withKeyOverrides}): no plan lifts it. */
  static boolean isKeysOwnRestriction(LimitRequest r) {
    return r.key().endsWith(":own") && r.policy().name().endsWith("-key");
  }

  private static LimitPolicy withLimit(LimitPolicy p, long v) {
    if (p instanceof RatePolicy rp) { // a key stored before its rate was bounded: at most what a rate counts
      Rate r = rp.rate();
      return new RatePolicy(rp.name(), new Rate(Math.min(v, Rate.MAX_COUNT), r.period(), r.burst(), r.scope(),
          r.onOutage()));
    }
    if (p instanceof QuotaPolicy q) {
      return new QuotaPolicy(q.name(), v, q.window(), q.anchor());
    }
    return null; // concurrency and credits have no per-key override
  }

  private static LimitPolicy renamed(LimitPolicy p, String name) {
    if (p instanceof RatePolicy rp) {
      return new RatePolicy(name, rp.rate());
    }
    QuotaPolicy q = (QuotaPolicy) p;
    return new QuotaPolicy(name, q.limit(), q.window(), q.anchor());
  }

  /**
   * The price of one call in micro-units when the plan is prepaid, else 0: exactly the price the
   * invoice bills (a prepaid plan's call prices are per call and have at most 6 decimals, checked
   * when the catalog is built).
   */
  static long creditCost(Plan plan, Operation op) {
    if (!plan.prepaid()) {
      return 0;
    }
    Optional<PriceModel> model = plan.priceModel(op, Plan.CALLS);
    if (model.isEmpty()) {
      return 0;
    }
    BigDecimal price = ((PriceModel.PerUnit) model.get()).unitPrice();
    return price.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
  }

  /**
   * The customer's limits, built once per (customer, plan). Keys carry the customer in a hash tag
   * and not the plan, so a plan change keeps what was consumed in the current windows.
   */
  private CustomerLimits limitsOf(Customer customer, Plan plan, long now) {
    CustomerLimits cached = byCustomer.getIfPresent(customer.id());
    if (cached != null && cached.plan() == plan
        && (cached.customer() == customer || cached.customer().equals(customer))) {
      return cached;
    }
    String tag = tag(customer.id());
    List<LimitTemplate> templates = new ArrayList<>();
    RatePolicy rate = new RatePolicy("rate", plan.rate());
    templates.add(template(plan.rate().scope(), tag + "rate",
        new LimitRequest(tag + "rate", rate, 1, false, plan.rate().onOutage())));
    boolean soft = plan.overage() != Overage.BLOCK;
    for (Quota q : plan.quotas()) {
      QuotaPolicy policy = new QuotaPolicy(q.name(), q.limit(), q.window(), customer.billingAnchor());
      templates.add(template(q.scope(), tag + q.name(), new LimitRequest(tag + q.name(), policy, 1, soft, q.onOutage())));
    }
    if (plan.concurrency().isPresent()) {
      Concurrency c = plan.concurrency().get();
      templates.add(template(c.scope(), tag + "concurrency",
          new LimitRequest(tag + "concurrency", new ConcurrencyPolicy("concurrency", c.limit()), 1, false, c.onOutage())));
    }
    boolean allPerCustomer = templates.stream().allMatch(t -> t.scope() == LimitScope.CUSTOMER);
    List<LimitRequest> unit = templates.stream().map(LimitTemplate::perCustomer).toList();
    long restoreUntil = Long.MIN_VALUE;
    java.util.Set<String> perAddress = new java.util.HashSet<>();
    for (LimitTemplate t : templates) {
      if (restore != null && t.perCustomer().policy() instanceof QuotaPolicy q) {
        restoreUntil = Math.max(restoreUntil, restore.until(q));
        if (t.scope() == LimitScope.IP) { // and a key's own limit on it: named after it, or the same
          perAddress.add(q.name());
          perAddress.add(q.name() + "-key");
        }
      }
    }
    if (restore != null) {
      restore.release(now); // off the request path: once every window that held the start has ended
    }
    CustomerLimits fresh = new CustomerLimits(customer, plan, List.copyOf(templates), unit, allPerCustomer,
        PackedPolicies.packsAll(unit), new AtomicReference<>(), restoreUntil,
        new java.util.concurrent.atomic.AtomicBoolean(), java.util.Set.copyOf(perAddress),
        templates.stream().allMatch(t -> !(t.perCustomer().policy() instanceof QuotaPolicy)
            || t.scope() == LimitScope.CUSTOMER));
    byCustomer.put(customer.id(), fresh);
    return fresh;
  }

  private static LimitTemplate template(LimitScope scope, String prefix, LimitRequest perCustomer) {
    return new LimitTemplate(scope, prefix, perCustomer);
  }
}
