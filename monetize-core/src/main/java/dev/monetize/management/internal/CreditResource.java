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
    String id = entryId(ManagementCall.text(body.id(), "id", false), c.request.idempotencyKey());
    c.details.put("amount", amount.toPlainString()); // bounded above: at most 25 characters
    c.details.put("wallet_entry", id);
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

  /** The characters of an {@code Idempotency-Key} taken as an entry's id (what ids are made of). */
  private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /**
   * The entry's id: the body's {@code id} (an {@code Idempotency-Key} header beside it, which a client
   * or gateway may add to every POST, is not read), else the header's (a retry of the same top-up then
   * moves money once), else a new one.
   */
  private String entryId(Optional<String> bodyId, Optional<String> header) {
    if (bodyId.isPresent()) {
      return bodyId.get();
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
