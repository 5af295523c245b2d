package dev.monetize.plans;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What serving costs the provider, for margins: a cost per call (per operation, or a default), per
 * CPU millisecond, per compute (wall) millisecond, per GiB sent, per cache hit, and fixed monthly
 * costs allocated to operations and customers by their share of calls.
 *
 * <pre>{@code
 * CostModel costs = CostModel.builder(Currency.getInstance("USD"))
 *     .perCall(new BigDecimal("0.00001")).perCall("export", new BigDecimal("0.0005"))
 *     .perCpuMs(new BigDecimal("0.0000004")).perGibOut(new BigDecimal("0.09"))
 *     .fixedMonthly(new BigDecimal("250.00")).build();
 * }</pre>
 *
 * @param currency the currency of every amount (the plans' currency, to compare with revenue)
 * @param perCall the cost of one call of an operation not in {@code perCallByOperation}
 * @param perCallByOperation the cost of one call, by operation id
 * @param perCpuMs the cost of one millisecond of CPU time of the endpoints
 * @param perComputeMs the cost of one millisecond of the endpoints' wall time
 * @param perGibOut the cost of sending one GiB (2^30 bytes) of responses
 * @param perCacheHit the cost of one answer served from the cache (it replaces the call's other costs)
 * @param fixedMonthly costs that do not follow usage, per 30 days, allocated by share of calls
 */
public record CostModel(Currency currency, BigDecimal perCall, Map<String, BigDecimal> perCallByOperation,
    BigDecimal perCpuMs, BigDecimal perComputeMs, BigDecimal perGibOut, BigDecimal perCacheHit,
    BigDecimal fixedMonthly) {
  /** Validates and copies. */
  public CostModel {
    Objects.requireNonNull(currency, "currency");
    perCallByOperation = Map.copyOf(perCallByOperation);
    for (Map.Entry<String, BigDecimal> e : perCallByOperation.entrySet()) {
      nonNegative(e.getValue(), "operations." + e.getKey() + ".per_call");
    }
    nonNegative(perCall, "per_call");
    nonNegative(perCpuMs, "per_cpu_ms");
    nonNegative(perComputeMs, "per_compute_ms");
    nonNegative(perGibOut, "per_gib_out");
    nonNegative(perCacheHit, "per_cache_hit");
    nonNegative(fixedMonthly, "fixed_monthly");
  }

  private static void nonNegative(BigDecimal v, String name) {
    Objects.requireNonNull(v, name);
    if (v.signum() < 0) {
      throw new IllegalArgumentException("cost " + name + " cannot be negative, got " + v.toPlainString());
    }
  }

  /** The cost of one call of {@code operation}. */
  public BigDecimal perCall(String operation) {
    return perCallByOperation.getOrDefault(operation, perCall);
  }

  /** Starts a builder; every cost is 0 until set. */
  public static Builder builder(Currency currency) {
    return new Builder(currency);
  }

  /** Builder of {@link CostModel}. */
  public static final class Builder {
    private final Currency currency;
    private BigDecimal perCall = BigDecimal.ZERO;
    private final Map<String, BigDecimal> byOperation = new LinkedHashMap<>();
    private BigDecimal perCpuMs = BigDecimal.ZERO;
    private BigDecimal perComputeMs = BigDecimal.ZERO;
    private BigDecimal perGibOut = BigDecimal.ZERO;
    private BigDecimal perCacheHit = BigDecimal.ZERO;
    private BigDecimal fixedMonthly = BigDecimal.ZERO;

    private Builder(Currency currency) {
      this.currency = currency;
    }

    /** The cost of one call of any operation without its own. */
    public Builder perCall(BigDecimal cost) {
      this.perCall = cost;
      return this;
    }

    /** The cost of one call of {@code operation}. */
    public Builder perCall(String operation, BigDecimal cost) {
      byOperation.put(operation, cost);
      return this;
    }

    /** The cost of one CPU millisecond. */
    public Builder perCpuMs(BigDecimal cost) {
      this.perCpuMs = cost;
      return this;
    }

    /** The cost of one wall millisecond of the endpoints. */
    public Builder perComputeMs(BigDecimal cost) {
      this.perComputeMs = cost;
      return this;
    }

    /** The cost of one GiB sent. */
    public Builder perGibOut(BigDecimal cost) {
      this.perGibOut = cost;
      return this;
    }

    /** The cost of one cache hit. */
    public Builder perCacheHit(BigDecimal cost) {
      this.perCacheHit = cost;
      return this;
    }

    /** Fixed costs per 30 days. */
    public Builder fixedMonthly(BigDecimal cost) {
      this.fixedMonthly = cost;
      return this;
    }

    /** Validates and builds. */
    public CostModel build() {
      return new CostModel(currency, perCall, byOperation, perCpuMs, perComputeMs, perGibOut, perCacheHit, fixedMonthly);
    }
  }
}
