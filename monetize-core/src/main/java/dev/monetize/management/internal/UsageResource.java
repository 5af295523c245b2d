package dev.monetize.management.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.AccountReports;
import dev.monetize.limits.PolicyState;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.Target;

/** The caller's usage in its current billing period. */
final class UsageResource {
  private final ManagementContext context;

  UsageResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response usage(ManagementCall c) {
    c.authorize(Target.self());
    AccountReports.UsageReport u = context.reports().usage(c.principal);
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("customer_id", u.principal().customerId());
    n.put("plan", u.principal().plan().name());
    n.put("period_start", u.periodStart().toString());
    n.put("period_end", u.periodEnd().toString());
    ObjectNode usage = n.putObject("usage");
    usage.put("requests", u.requests());
    usage.put("bytes_in", u.bytesIn());
    usage.put("bytes_out", u.bytesOut());
    usage.put("compute_ms", u.computeMillis());
    usage.put("cpu_ms", u.cpuMillis());
    ObjectNode ops = usage.putObject("by_operation");
    u.byOperation().forEach(ops::put);
    ArrayNode limits = n.putArray("limits");
    for (PolicyState s : u.limits()) {
      ObjectNode l = limits.addObject();
      l.put("name", s.name());
      l.put("quota", s.quota());
      l.put("window_seconds", s.windowSeconds());
      l.put("remaining", Math.max(0, s.remaining()));
      l.put("reset_seconds", s.resetSeconds());
      l.put("unit", s.unit());
    }
    u.credits().ifPresent(b -> n.put("credits", ManagementCall.plain(b)));
    ObjectNode cost = n.putObject("cost");
    u.cost().forEach((currency, amount) -> cost.put(currency, ManagementCall.plain(amount)));
    n.put("as_of", u.asOf().toString());
    return ManagementCall.ok(200, n);
  }
}
