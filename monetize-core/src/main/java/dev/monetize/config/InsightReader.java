package dev.monetize.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.plans.CostModel;
import dev.monetize.plans.SlaTarget;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plan's {@code sla} and the plans file's {@code costs}:
 * <pre>{@code
 * plans:
 *   pro:
 *     sla: { latency_p99: 300ms, latency_p50: 50ms, availability: "99.9" }
 * costs:
 *   currency: USD
 *   per_call: "0.00001"          # every operation without its own
 *   per_cpu_ms: "0.0000004"
 *   per_compute_ms: "0.0000001"
 *   per_gib_out: "0.09"
 *   per_cache_hit: "0.0000002"
 *   fixed_monthly: "250.00"      # allocated by share of calls
 *   operations:
 *     export: { per_call: "0.0005" }
 * }</pre>
 */
final class InsightReader extends Nodes {
  private static final Set<String> SLA_FIELDS = Set.of("latency_p99", "latency_p50", "availability");
  private static final Set<String> COST_FIELDS = Set.of("currency", "per_call", "per_cpu_ms", "per_compute_ms",
      "per_gib_out", "per_cache_hit", "fixed_monthly", "operations");
  private final PricesReader amounts;

  InsightReader(String source) {
    super(source);
    this.amounts = new PricesReader(source);
  }

  SlaTarget sla(JsonNode node, String path) {
    object(node, path, SLA_FIELDS);
    Optional<java.time.Duration> p99 = node.hasNonNull("latency_p99")
        ? Optional.of(duration(node, "latency_p99", path, null)) : Optional.empty();
    Optional<java.time.Duration> p50 = node.hasNonNull("latency_p50")
        ? Optional.of(duration(node, "latency_p50", path, null)) : Optional.empty();
    Optional<BigDecimal> availability = node.hasNonNull("availability")
        ? Optional.of(amounts.decimal(node.get("availability"), path + ".availability")) : Optional.empty();
    return guard(path, () -> new SlaTarget(p99, p50, availability));
  }

  CostModel costs(JsonNode node, String path) {
    object(node, path, COST_FIELDS);
    if (!node.hasNonNull("currency")) {
      throw fail(path + ".currency", "required: the ISO 4217 code costs are in, such as USD (the plans' currency)");
    }
    CostModel.Builder b = CostModel.builder(amounts.currency(node, "currency", path));
    b.perCall(amount(node, "per_call", path));
    b.perCpuMs(amount(node, "per_cpu_ms", path));
    b.perComputeMs(amount(node, "per_compute_ms", path));
    b.perGibOut(amount(node, "per_gib_out", path));
    b.perCacheHit(amount(node, "per_cache_hit", path));
    b.fixedMonthly(amount(node, "fixed_monthly", path));
    JsonNode ops = node.get("operations");
    if (ops != null && !ops.isNull()) {
      if (!ops.isObject()) {
        throw fail(path + ".operations", "must map operation ids to {per_call}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = ops.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String op = path + ".operations." + e.getKey();
        object(e.getValue(), op, Set.of("per_call"));
        if (!e.getValue().hasNonNull("per_call")) {
          throw fail(op + ".per_call", "required: the cost of one call, as a quoted decimal such as \"0.0005\"");
        }
        b.perCall(e.getKey(), amounts.decimal(e.getValue().get("per_call"), op + ".per_call"));
      }
    }
    return guard(path, b::build);
  }

  private BigDecimal amount(JsonNode node, String field, String path) {
    return node.hasNonNull(field) ? amounts.decimal(node.get(field), path + "." + field) : BigDecimal.ZERO;
  }
}
