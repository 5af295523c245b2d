package dev.monetize.management.internal;

import dev.monetize.billing.TopUp;
import dev.monetize.billing.WalletEntryRefusedException;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKeys;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.Target;
import java.math.BigDecimal;
import java.util.Optional;

/** Prepaid wallets: read (own, or any for the operator), top up (operator). */
final class CreditResource {
  private final ManagementContext context;

  CreditResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response wallet(ManagementCall c) {
    String customerId = c.accountId();
    c.authorize(context.customers().find(customerId).isPresent() ? Target.organization(customerId)
        : Target.missing("organization", customerId));
    int limit = ManagementCall.pageLimit(c.request.query());
    return ManagementCall.ok(200, new Views.Wallet(customerId, Views.plain(context.wallet().balance(customerId)),
        context.wallet().history(customerId, limit).stream().map(Views.Entry::of).toList()));
  }

  ManagementApi.Response topUp(ManagementCall c) {
    Bodies.TopUp body = c.bind(Bodies.TopUp.class);
    String customerId = ManagementCall.text(body.customerId(), "customer_id", true).orElseThrow();
    c.authorize(context.customers().find(customerId).isPresent() ? Target.organization(customerId)
        : Target.missing("organization", customerId));
    BigDecimal amount = ManagementCall.amount(body.amount(), "amount");
    Optional<String> bodyId = ManagementCall.text(body.id(), "id", false);
    String id = entryId(bodyId, c.request.idempotencyKey());
    c.details.put("amount", amount.toPlainString()); // bounded above: at most 25 characters
    c.details.put("wallet_entry", id);
    // a retry of an entry already applied answers it (or its conflict) whatever holds now: the plan may
    // have changed since, and its id may be one of those taken before ids followed the header's rules
    if (context.wallet().entry(customerId, id).isEmpty()) {
      if (bodyId.isPresent() && !IDEMPOTENCY_KEY.matcher(id).matches()) { // a key, not a text: as the header's
        throw ManagementRefusal.badRequest("id: 1 to 64 letters, digits, '.', '_', ':' or '-'.");
      }
      if (amount.signum() > 0) {
        refuseUnlessPrepaid(customerId);
      }
    }
    TopUp t;
    try {
      t = context.wallet().topUp(customerId, amount, id, ManagementCall.text(body.note(), "note", false).orElse(""));
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    } catch (WalletEntryRefusedException e) {
      throw new ManagementRefusal(e.reason() == WalletEntryRefusedException.Reason.IDEMPOTENCY_CONFLICT
          ? ErrorCode.IDEMPOTENCY_CONFLICT : ErrorCode.INSUFFICIENT_CREDITS, e.getMessage() + ".");
    }
    return ManagementCall.ok(t.applied() ? 201 : 200,
        Views.Entry.of(t.entry()).topUp(t.applied(), context.wallet().balance(customerId)));
  }

  /**
   * Refuses a top-up of an organization that would never spend it: its plan in force is invoiced, and
   * so is any change scheduled for it (a top-up ahead of a move to a prepaid plan is taken).
   */
  private void refuseUnlessPrepaid(String customerId) {
    dev.monetize.plans.Customer customer = context.customers().find(customerId).orElseThrow();
    String plan = context.plans().inForce(customer).plan();
    Optional<String> next = context.plans().scheduled(customerId).map(dev.monetize.billing.PlanChange::plan);
    if (prepaid(plan) || next.filter(this::prepaid).isPresent()) {
      return;
    }
    throw new ManagementRefusal(ErrorCode.PLAN_NOT_PREPAID, "Organization '" + customerId + "' is on plan '" + plan
        + "', which is invoiced after each period: a top-up would never be spent. Move it to a prepaid plan first"
        + " (PATCH /monetize/organizations/" + customerId + "); a negative amount still takes a balance back.");
  }

  private boolean prepaid(String plan) {
    return context.catalog().plan(plan).map(dev.monetize.plans.Plan::prepaid).orElse(false);
  }

  /** The characters of an {@code Idempotency-Key} taken as an entry's id (what ids are made of). */
  private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /**
   * The entry's id: the body's {@code id} (an {@code Idempotency-Key} header beside it, which a client
   * or gateway may add to every POST, is not read), else the header's (a retry of the same top-up then
   * moves money once), else a new one.
   */
  private String entryId(Optional<String> bodyId, Optional<String> header) {
    if (bodyId.isPresent()) {
      return bodyId.get(); // checked by the caller when it names a new entry
    }
    if (header.isPresent()) {
      String key = header.get().strip();
      if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
        throw ManagementRefusal.badRequest("Idempotency-Key: 1 to 64 letters, digits, '.', '_', ':' or '-' (or "
            + "name the entry with \"id\" in the body).");
      }
      return key;
    }
    return "wal_" + ApiKeys.newKeyId(context.random()).substring(4);
  }

}
