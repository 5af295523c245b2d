package dev.monetize.insight.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.errors.ErrorCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How each identified customer's requests went on this node: answers, failures (5xx), and the
 * refusals that say a bigger plan would serve it better ({@code quota_exhausted},
 * {@code rate_limited}, {@code plan_denied}), counted on the plan of its latest request (a request on
 * another plan starts them again). The 100,000 most active customers are followed;
 * memory follows active customers, not all of them.
 */
public final class CustomerSignals {
  /** One customer's counters. */
  public static final class Counts {
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder quotaExhausted = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder planDenied = new LongAdder();
    volatile String plan = "";
    volatile String lastRefusedOperation = "";

    /** Requests answered (admitted or refused). */
    public long requests() {
      return requests.sum();
    }

    /** Answers with a 5xx status. */
    public long failures() {
      return failures.sum();
    }

    /** Refusals by their code, among {@code quota_exhausted}, {@code rate_limited}, {@code plan_denied}. */
    public Map<String, Long> upsellRefusals() {
      Map<String, Long> m = new TreeMap<>();
      m.put(ErrorCode.QUOTA_EXHAUSTED.code(), quotaExhausted.sum());
      m.put(ErrorCode.RATE_LIMITED.code(), rateLimited.sum());
      m.put(ErrorCode.PLAN_DENIED.code(), planDenied.sum());
      return m;
    }

    /** The plan of its latest request. */
    public String plan() {
      return plan;
    }

    /** The operation of its latest {@code plan_denied} refusal, if any (empty otherwise). */
    public String lastDeniedOperation() {
      return lastRefusedOperation;
    }
  }

  private final Cache<String, Counts> customers = Caffeine.newBuilder().maximumSize(100_000)
      .executor(Runnable::run).build();

  /** Counts a request of {@code customer} on {@code plan}, answered {@code status}, refused with {@code code} (or null). */
  public void record(String customer, String plan, String operation, int status, ErrorCode codeOrNull) {
    Counts c = customers.get(customer, k -> new Counts());
    c.requests.increment();
    if (!plan.equals(c.plan)) {
      if (!c.plan.isEmpty()) { // the refusals of the plan it left say nothing about the one it is on
        c.quotaExhausted.reset();
        c.rateLimited.reset();
        c.planDenied.reset();
        c.lastRefusedOperation = "";
      }
      c.plan = plan;
    }
    if (status >= 500) {
      c.failures.increment();
    }
    if (codeOrNull == ErrorCode.QUOTA_EXHAUSTED) {
      c.quotaExhausted.increment();
    } else if (codeOrNull == ErrorCode.RATE_LIMITED) {
      c.rateLimited.increment();
    } else if (codeOrNull == ErrorCode.PLAN_DENIED) {
      c.planDenied.increment();
      c.lastRefusedOperation = operation;
    }
  }

  /** Every followed customer's counters. */
  public Map<String, Counts> all() {
    return new TreeMap<>(customers.asMap());
  }
}
