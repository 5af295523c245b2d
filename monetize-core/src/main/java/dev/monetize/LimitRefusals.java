package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Concurrency;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the limit step answers a call its limits refuse: the code (credits, then quotas, then
 * concurrency, then the rate), each violated limit described, when to retry, and a hint that names
 * the plan a tier rule suggests or the next plan up that allows more.
 */
final class LimitRefusals {
  private final Catalog catalog;

  LimitRefusals(Catalog catalog) {
    this.catalog = catalog;
  }

  /** The refusal of a call {@code verdict} refused: its code, each violated limit described, the hint. */
  Decision of(Principal principal, Operation op, List<LimitRequest> requests, LimitVerdict verdict) {
    long retryAfter = Math.max(1, PolicyState.ceilSeconds(verdict.retryAfterNanos()));
    ErrorCode code;
    if (verdict.violated(requests, CreditPolicy.class)) {
      code = ErrorCode.CREDITS_EXHAUSTED;
    } else if (verdict.violated(requests, QuotaPolicy.class)) {
      code = ErrorCode.QUOTA_EXHAUSTED;
    } else if (verdict.violated(requests, ConcurrencyPolicy.class)) {
      code = ErrorCode.CONCURRENCY_LIMITED;
    } else {
      code = ErrorCode.RATE_LIMITED;
    }
    StringBuilder detail = new StringBuilder();
    for (int i = 0; i < requests.size(); i++) {
      if (verdict.policies().get(i).violated()) {
        if (detail.length() > 0) {
          detail.append(' ');
        }
        detail.append(describe(requests.get(i), verdict.policies().get(i))).append('.');
      }
    }
    if (code != ErrorCode.CREDITS_EXHAUSTED) {
      detail.append(" Retry in ").append(retryAfter).append(" s.");
    }
    String hint = keysOwnOnly(requests, verdict) ? keysOwnHint(code)
        : suggested(principal, code).or(() -> upgradeHint(principal.plan(), code)).orElse(code.hint());
    return Decision.refuseLimit(code, detail.toString(), hint, principal, op, verdict.policies(),
        code == ErrorCode.CREDITS_EXHAUSTED ? 0 : retryAfter);
  }

  /**
   * Whether every limit {@code verdict} refused is a key's own restriction ({@code <policy>-key}, set
   * when the key was made): no plan lifts it, so the refusal sells no plan (neither in its hint nor in
   * the customers' upsell signals).
   */
  static boolean keysOwnOnly(List<LimitRequest> requests, LimitVerdict verdict) {
    boolean any = false;
    for (int i = 0; i < requests.size() && i < verdict.policies().size(); i++) {
      if (verdict.policies().get(i).violated()) {
        if (!LimitStep.isKeysOwnRestriction(requests.get(i))) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  private static String keysOwnHint(ErrorCode code) {
    return (code == ErrorCode.QUOTA_EXHAUSTED ? "Wait until the quota resets (Retry-After)"
        : "Slow down to the rate in RateLimit-Policy") + ", or use a key of the organization without this key's own "
        + "lower limit: it was set when the key was made, and no plan lifts it.";
  }

  private static String describe(LimitRequest r, PolicyState state) {
    LimitPolicy policy = r.policy();
    if (policy instanceof QuotaPolicy q) {
      return "The " + q.name() + " quota of " + q.limit() + " per " + q.window().name().toLowerCase(Locale.ROOT)
          + " is used up";
    }
    if (policy instanceof ConcurrencyPolicy c) {
      return c.limit() + " requests are already in flight";
    }
    if (policy instanceof CreditPolicy) {
      return "The call costs " + BigDecimal.valueOf(r.cost(), 6).stripTrailingZeros().toPlainString()
          + " and the prepaid balance is " + BigDecimal.valueOf(state.remaining(), 6).stripTrailingZeros().toPlainString();
    }
    RatePolicy p = (RatePolicy) policy;
    return "The rate of " + p.rate().count() + " per " + p.rate().period().toString().substring(2).toLowerCase(Locale.ROOT)
        + " (burst " + p.rate().burst() + ") is used up";
  }

  /** Where tier rules' suggestions are read (set once the engine is built). */
  private volatile java.util.function.Function<String, Optional<String>> suggestions = c -> Optional.empty();

  /** Reads tier rules' suggestions from {@code lookup} (customer id to plan name). */
  void suggestions(java.util.function.Function<String, Optional<String>> lookup) {
    this.suggestions = lookup;
  }

  /** The plan a tier rule suggests for the caller, named in the hint of a limit's refusal. */
  private Optional<String> suggested(Principal principal, ErrorCode code) {
    if (code != ErrorCode.QUOTA_EXHAUSTED && code != ErrorCode.RATE_LIMITED && code != ErrorCode.CONCURRENCY_LIMITED) {
      return Optional.empty();
    }
    return suggestions.apply(principal.customerId()).filter(p -> !p.equals(principal.plan().name()))
        .map(p -> (code == ErrorCode.QUOTA_EXHAUSTED ? "Wait until the quota resets (Retry-After)"
            : "Slow down to the rate in RateLimit-Policy") + ", or move to plan '" + p
            + "', which your usage suggests.");
  }

  /** The next plan up that allows more, named in the hint so that a refusal sells the upgrade. */
  private Optional<String> upgradeHint(Plan current, ErrorCode code) {
    if (code == ErrorCode.CREDITS_EXHAUSTED) {
      return Optional.empty();
    }
    for (Plan p : catalog.plans()) {
      if (p.rank() <= current.rank() || !allowsMore(p, current, code)) {
        continue;
      }
      String first = switch (code) {
        case QUOTA_EXHAUSTED -> "Wait until the quota resets (Retry-After)";
        case CONCURRENCY_LIMITED -> "Wait for requests in flight to finish";
        default -> "Slow down to the rate in RateLimit-Policy";
      };
      return Optional.of(first + ", or upgrade to plan '" + p.name() + "' for higher limits.");
    }
    return Optional.empty();
  }

  private static boolean allowsMore(Plan candidate, Plan current, ErrorCode code) {
    return switch (code) {
      case QUOTA_EXHAUSTED -> totalQuota(candidate) > totalQuota(current);
      case CONCURRENCY_LIMITED -> candidate.concurrency().map(Concurrency::limit).orElse(Long.MAX_VALUE)
          > current.concurrency().map(Concurrency::limit).orElse(Long.MAX_VALUE);
      default -> candidate.rate().count() * current.rate().period().toNanos()
          > current.rate().count() * candidate.rate().period().toNanos();
    };
  }

  private static long totalQuota(Plan p) {
    long sum = 0;
    for (Quota q : p.quotas()) {
      sum += q.limit();
    }
    return sum;
  }
}
