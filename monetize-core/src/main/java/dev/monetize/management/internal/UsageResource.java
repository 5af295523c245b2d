package dev.monetize.management.internal;

import dev.monetize.billing.AccountReports;
import java.util.Map;
import java.util.TreeMap;
import dev.monetize.management.ManagementApi;

/** An organization's usage in its current billing period: the caller's own, or any for the operator. */
final class UsageResource {
  private final ManagementContext context;

  UsageResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response usage(ManagementCall c) {
    AccountReports.UsageReport u = context.reports().usage(c.account());
    Map<String, String> cost = new TreeMap<>();
    u.cost().forEach((currency, amount) -> cost.put(currency, amount.toPlainString())); // the invoice's digits
    return ManagementCall.ok(200, new Views.Usage(u.principal().customerId(), u.principal().plan().name(),
        u.periodStart().toString(), u.periodEnd().toString(),
        new Views.Counted(u.requests(), u.bytesIn(), u.bytesOut(), u.computeMillis(), u.cpuMillis(), u.cacheHits(),
            new TreeMap<>(u.byOperation()), u.quantities()),
        u.limits().stream().map(Views.Limit::of).toList(), u.credits().map(Views::plain).orElse(null), cost,
        u.asOf().toString(), context.plans().suggestion(u.principal().customerId())
            .map(s -> new Views.Suggestion(s.plan(), s.rule(), s.reason())).orElse(null)));
  }

}
