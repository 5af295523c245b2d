package dev.monetize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.TopUp;
import dev.monetize.billing.WalletEntry;
import dev.monetize.http.Header;
import dev.monetize.keys.ApiKeys;
import dev.monetize.limits.PolicyState;
import dev.monetize.management.Target;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a customer's account shows through the management API: usage, wallet and invoices. */
final class AccountResources {
  private final Monetize monetize;

  AccountResources(Monetize monetize) {
    this.monetize = monetize;
  }

  // ---- usage

  ManagementApi.Response usage(ManagementCall c) {
    c.authorize(Target.self());
    dev.monetize.billing.AccountReports.UsageReport u = monetize.reports().usage(c.principal);
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
    u.credits().ifPresent(b -> n.put("credits", plain(b)));
    ObjectNode cost = n.putObject("cost");
    u.cost().forEach((currency, amount) -> cost.put(currency, plain(amount)));
    n.put("as_of", u.asOf().toString());
    return ManagementApi.ok(200, n);
  }

  // ---- wallet

  ManagementApi.Response wallet(ManagementCall c) {
    String customerId = Optional.ofNullable(c.request.query().get("customer_id")).orElse(c.principal.customerId());
    c.authorize(monetize.customers().find(customerId).isPresent() ? Target.organization(customerId)
        : Target.missing("organization", customerId));
    int limit = KeyResources.pageLimit(c.request.query());
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("customer_id", customerId);
    n.put("balance", plain(monetize.wallet().balance(customerId)));
    ArrayNode entries = n.putArray("entries");
    monetize.wallet().history(customerId, limit).forEach(e -> entries.add(entryJson(e)));
    return ManagementApi.ok(200, n);
  }

  ManagementApi.Response topUp(ManagementCall c) {
    JsonNode body = c.body(Set.of("customer_id", "amount", "id", "note"));
    String customerId = ManagementCall.text(body, "customer_id", true).orElseThrow();
    c.authorize(monetize.customers().find(customerId).isPresent() ? Target.organization(customerId)
        : Target.missing("organization", customerId));
    BigDecimal amount = ManagementCall.amount(body, "amount");
    String id = ManagementCall.text(body, "id", false)
        .orElseGet(() -> "wal_" + ApiKeys.newKeyId(monetize.random()).substring(4));
    c.details.put("amount", amount.toPlainString()); // bounded above: at most 25 characters
    c.details.put("wallet_entry", id);
    TopUp t;
    try {
      t = monetize.wallet().topUp(customerId, amount, id, ManagementCall.text(body, "note", false).orElse(""));
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    }
    ObjectNode n = entryJson(t.entry());
    n.put("applied", t.applied());
    n.put("balance", plain(monetize.wallet().balance(customerId)));
    return ManagementApi.ok(t.applied() ? 201 : 200, n);
  }

  private static ObjectNode entryJson(WalletEntry e) {
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", e.id());
    n.put("customer_id", e.customerId());
    n.put("kind", e.kind());
    n.put("amount", plain(e.amount()));
    n.put("balance_after", plain(e.balanceAfter()));
    n.put("note", e.note());
    n.put("at", e.at().toString());
    return n;
  }

  private static String plain(BigDecimal amount) {
    return amount.stripTrailingZeros().toPlainString();
  }

  // ---- invoices

  ManagementApi.Response invoices(ManagementCall c) {
    c.authorize(Target.self());
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    ArrayNode data = n.putArray("data");
    monetize.reports().currentInvoice(c.principal).ifPresent(inv -> {
      ObjectNode i = data.addObject();
      i.put("number", inv.number());
      i.put("period_start", inv.periodStart().toString());
      i.put("period_end", inv.periodEnd().toString());
      i.put("status", "draft");
      i.put("currency", inv.rated().currency().getCurrencyCode());
      i.put("total", inv.rated().total().toPlainString());
    });
    return ManagementApi.ok(200, n);
  }

  ManagementApi.Response invoice(ManagementCall c) {
    c.authorize(Target.self()); // only the caller's own invoices are looked up
    String number = c.parameter("number");
    String format = c.request.query().getOrDefault("format", "json");
    if (!Set.of("json", "text", "html").contains(format)) {
      throw ManagementRefusal.badRequest("format: json, text or html.");
    }
    Invoice inv = monetize.reports().currentInvoice(c.principal).filter(i -> i.number().equals(number))
        .orElseThrow(() -> ManagementRefusal.notFound("invoice", number));
    if (!format.equals("json")) {
      boolean html = format.equals("html");
      return new ManagementApi.Response(200, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
          List.of(new Header("Cache-Control", "no-store")),
          (html ? inv.html() : inv.text()).getBytes(StandardCharsets.UTF_8));
    }
    try {
      ObjectNode n = (ObjectNode) ManagementCall.JSON.readTree(inv.json());
      n.put("status", "draft");
      return ManagementApi.ok(200, n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
