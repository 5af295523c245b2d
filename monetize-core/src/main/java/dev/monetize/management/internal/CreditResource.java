package dev.monetize.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.TopUp;
import dev.monetize.billing.WalletEntry;
import dev.monetize.keys.ApiKeys;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.Target;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;

/** Prepaid wallets: read (own, or any for the operator), top up (operator). */
final class CreditResource {
  private final ManagementContext context;

  CreditResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response wallet(ManagementCall c) {
    String customerId = Optional.ofNullable(c.request.query().get("customer_id")).orElse(c.principal.customerId());
    c.authorize(context.customers().find(customerId).isPresent() ? Target.organization(customerId)
        : Target.missing("organization", customerId));
    int limit = ManagementCall.pageLimit(c.request.query());
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("customer_id", customerId);
    n.put("balance", ManagementCall.plain(context.wallet().balance(customerId)));
    ArrayNode entries = n.putArray("entries");
    context.wallet().history(customerId, limit).forEach(e -> entries.add(entryJson(e)));
    return ManagementCall.ok(200, n);
  }

  ManagementApi.Response topUp(ManagementCall c) {
    JsonNode body = c.body(Set.of("customer_id", "amount", "id", "note"));
    String customerId = ManagementCall.text(body, "customer_id", true).orElseThrow();
    c.authorize(context.customers().find(customerId).isPresent() ? Target.organization(customerId)
        : Target.missing("organization", customerId));
    BigDecimal amount = ManagementCall.amount(body, "amount");
    String id = ManagementCall.text(body, "id", false)
        .orElseGet(() -> "wal_" + ApiKeys.newKeyId(context.random()).substring(4));
    c.details.put("amount", amount.toPlainString()); // bounded above: at most 25 characters
    c.details.put("wallet_entry", id);
    TopUp t;
    try {
      t = context.wallet().topUp(customerId, amount, id, ManagementCall.text(body, "note", false).orElse(""));
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    }
    ObjectNode n = entryJson(t.entry());
    n.put("applied", t.applied());
    n.put("balance", ManagementCall.plain(context.wallet().balance(customerId)));
    return ManagementCall.ok(t.applied() ? 201 : 200, n);
  }

  private static ObjectNode entryJson(WalletEntry e) {
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", e.id());
    n.put("customer_id", e.customerId());
    n.put("kind", e.kind());
    n.put("amount", ManagementCall.plain(e.amount()));
    n.put("balance_after", ManagementCall.plain(e.balanceAfter()));
    n.put("note", e.note());
    n.put("at", e.at().toString());
    return n;
  }
}
