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

  /** The current period's usage per day, summing to {@link #usage}'s numbers. */
  ManagementApi.Response days(ManagementCall c) {
    dev.monetize.Principal account = c.account();
    java.util.List<AccountReports.DayUsage> days = context.reports().days(account);
    java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (AccountReports.DayUsage d : days) {
      Map<String, Object> day = new java.util.LinkedHashMap<>();
      day.put("date", d.date().toString());
      day.put("from", d.from().toString());
      day.put("to", d.to().toString());
      day.put("requests", d.requests());
      day.put("units", d.units());
      out.add(day);
    }
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("customer_id", account.customerId());
    body.put("time_zone", account.customer().billingAnchor().zone().getId());
    body.put("days", out);
    return ManagementCall.ok(200, body);
  }
}
