package dev.monetize.plans;

import dev.monetize.billing.PriceModel;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The checks of a plan's prices: one currency, valid names, prices a prepaid wallet can take. */
final class PlanPrices {
  /** Decimals of a prepaid wallet's balance: a call price must be exact in them. */
  static final int WALLET_DECIMALS = 6;

  private PlanPrices() {}

  static Map<String, Map<String, PriceModel>> copy(String plan, Map<String, Map<String, PriceModel>> prices) {
    Map<String, Map<String, PriceModel>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, PriceModel>> e : prices.entrySet()) {
      Names.requireOperationId(e.getKey(), "plan '" + plan + "' price operation");
      for (String unit : e.getValue().keySet()) {
        Names.requirePolicyName(unit, "plan '" + plan + "' price unit of '" + e.getKey() + "'");
      }
      copy.put(e.getKey(), Map.copyOf(e.getValue()));
    }
    return Map.copyOf(copy);
  }

  /** The one currency of the plan's amounts: the declared one, else the fee's, the minimum's, a price's. */
  static Optional<Currency> currency(String plan, Optional<Currency> declared, Optional<Price> fee,
      Optional<Price> minimum, Map<String, Price> prices, Map<String, Map<String, PriceModel>> usagePrices) {
    Currency seen = declared.orElse(null);
    String seenFrom = "currency";
    Map<String, Currency> amounts = new LinkedHashMap<>();
    prices.forEach((op, p) -> amounts.put("prices." + op, p.currency()));
    fee.ifPresent(f -> amounts.put("fee", f.currency()));
    minimum.ifPresent(m -> amounts.put("minimum", m.currency()));
    for (Map.Entry<String, Currency> a : amounts.entrySet()) {
      if (seen == null) {
        seen = a.getValue();
        seenFrom = a.getKey();
      } else if (!seen.equals(a.getValue())) {
        throw new IllegalArgumentException("plan '" + plan + "': every amount is in one currency; " + seenFrom + " is "
            + seen + " but " + a.getKey() + " is " + a.getValue());
      }
    }
    if (seen == null && !usagePrices.isEmpty()) {
      throw new IllegalArgumentException("plan '" + plan + "': usage prices need the plan's currency (currency: USD)");
    }
    return Optional.ofNullable(seen);
  }

  /**
   * A prepaid plan's wallet pays each call when it is admitted, so a call's price must be one
   * exact amount in the wallet's decimals: per-call prices only (no tiers, packages or included
   * calls, whose price depends on the period's total), and no other unit priced.
   */
  static void checkPrepaid(String plan, Map<String, Price> prices, Map<String, Map<String, PriceModel>> usagePrices) {
    for (Map.Entry<String, Price> p : prices.entrySet()) {
      requireWalletExact(plan, p.getKey(), p.getValue().amount());
    }
    for (Map.Entry<String, Map<String, PriceModel>> op : usagePrices.entrySet()) {
      for (Map.Entry<String, PriceModel> u : op.getValue().entrySet()) {
        if (!u.getKey().equals(Plan.CALLS) || !(u.getValue() instanceof PriceModel.PerUnit pu) || pu.per() != 1
            || pu.included() != 0) {
          throw new IllegalArgumentException("plan '" + plan + "' is prepaid: its wallet pays each call as it is "
              + "admitted, so '" + op.getKey() + "' can only price calls, per_unit, without per or included (got "
              + u.getKey() + ": " + u.getValue().getClass().getSimpleName() + ")");
        }
        requireWalletExact(plan, op.getKey(), pu.unitPrice());
      }
    }
  }

  /** A price the wallet takes exactly (it keeps balances to the millionth). */
  static void requireWalletExact(String plan, String operation, BigDecimal price) {
    if (price.stripTrailingZeros().scale() > WALLET_DECIMALS) {
      throw new IllegalArgumentException("plan '" + plan + "' is prepaid: the price of '" + operation + "' ("
          + price.toPlainString() + ") has more than " + WALLET_DECIMALS
          + " decimals, and the wallet keeps balances to the millionth: it could not take a call's exact price");
    }
  }
}
