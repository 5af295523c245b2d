package dev.monetize.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.billing.PriceModel;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a plan's money: {@code currency}, {@code fee}, {@code minimum} and {@code prices}, in the
 * short form ({@code fee: {amount, currency}}, {@code prices: {op: {amount, currency, unit}}}) and
 * the full one ({@code fee: "90.00"}, {@code prices: {op: {calls: {model: graduated, ...}}}}).
 * Amounts are quoted decimal strings: a bare YAML number is refused, so no binary floating point
 * ever touches money.
 */
final class PricesReader extends Nodes {
  private static final Set<String> SHORT_PRICE_FIELDS = Set.of("amount", "currency", "unit");
  private static final Set<String> PER_UNIT_FIELDS = Set.of("model", "unit", "per", "included");
  private static final Set<String> TIERED_FIELDS = Set.of("model", "tiers", "included");
  private static final Set<String> TIER_FIELDS = Set.of("up_to", "unit", "flat");
  private static final Set<String> PACKAGE_FIELDS = Set.of("model", "size", "amount", "included");
  private static final String MODELS = "per_unit, graduated, volume, package";
  /** Unit prices may be finer than the currency (a price per byte); amounts of a period may not. */
  private static final int MAX_PRICE_DECIMALS = 12;
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}(\\.[0-9]{1,12})?");

  PricesReader(String source) {
    super(source);
  }

  /** Reads the money fields of {@code node} (a plan at {@code path}) into {@code b}. */
  void read(JsonNode node, String path, Plan.Builder b) {
    Optional<Currency> currency = Optional.empty();
    if (node.hasNonNull("currency")) {
      currency = Optional.of(currency(node, "currency", path));
      b.currency(currency.get());
    }
    if (node.hasNonNull("fee")) {
      b.fee(periodAmount(node.get("fee"), path + ".fee", currency));
    }
    if (node.hasNonNull("minimum")) {
      b.minimum(periodAmount(node.get("minimum"), path + ".minimum", currency));
    }
    JsonNode prices = node.get("prices");
    if (prices == null || prices.isNull()) {
      return;
    }
    object(prices, path + ".prices", null);
    for (Iterator<Map.Entry<String, JsonNode>> it = prices.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String op = e.getKey();
      String opPath = path + ".prices." + op;
      JsonNode v = e.getValue();
      object(v, opPath, null);
      if (v.has("amount")) {
        b.price(op, shortPrice(v, opPath));
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> units = v.fields(); units.hasNext(); ) {
        Map.Entry<String, JsonNode> u = units.next();
        String unitPath = opPath + "." + u.getKey();
        PriceModel model = model(u.getValue(), unitPath);
        guard(unitPath, () -> b.price(op, u.getKey(), model));
      }
    }
  }

  /** {@code {amount, currency, unit}}: one price per unit of an operation (the short form). */
  Price shortPrice(JsonNode node, String path) {
    object(node, path, SHORT_PRICE_FIELDS);
    BigDecimal amount = decimal(node, "amount", path);
    Currency currency = currency(node, "currency", path);
    String unit = text(node, "unit", path, "call");
    return guard(path, () -> new Price(amount, currency, unit));
  }

  /** A fee or minimum: {@code "90.00"} in the plan's currency, or {@code {amount, currency}}. */
  private Price periodAmount(JsonNode node, String path, Optional<Currency> planCurrency) {
    BigDecimal amount;
    Currency currency;
    String amountPath = node.isObject() ? path + ".amount" : path;
    if (node.isObject()) {
      object(node, path, SHORT_PRICE_FIELDS);
      amount = decimal(node, "amount", path);
      currency = currency(node, "currency", path);
    } else {
      amount = decimal(node, path);
      currency = planCurrency.orElseThrow(() -> fail(path, "an amount needs the plan's currency: add "
          + "'currency: USD' (any ISO 4217 code) to the plan, or write {amount: \"90.00\", currency: USD}"));
    }
    if (amount.stripTrailingZeros().scale() > Math.max(0, currency.getDefaultFractionDigits())) {
      throw fail(amountPath, currency + " has " + currency.getDefaultFractionDigits() + " decimals; got "
          + amount.toPlainString());
    }
    return new Price(amount, currency, "period");
  }

  private PriceModel model(JsonNode node, String path) {
    object(node, path, null);
    String model = requiredText(node, "model", path);
    return switch (model) {
      case "per_unit" -> {
        object(node, path, PER_UNIT_FIELDS);
        BigDecimal unit = decimal(node, "unit", path);
        long per = integer(node, "per", path, 1, Long.MAX_VALUE, 1);
        long included = included(node, path);
        yield guard(path, () -> new PriceModel.PerUnit(unit, per, included));
      }
      case "graduated", "volume" -> {
        object(node, path, TIERED_FIELDS);
        List<PriceModel.Tier> tiers = tiers(node, path);
        long included = included(node, path);
        yield guard(path, () -> model.equals("graduated") ? new PriceModel.Graduated(tiers, included)
            : new PriceModel.Volume(tiers, included));
      }
      case "package" -> {
        object(node, path, PACKAGE_FIELDS);
        long size = integer(node, "size", path, 1, Long.MAX_VALUE, -1);
        BigDecimal amount = decimal(node, "amount", path);
        long included = included(node, path);
        yield guard(path, () -> new PriceModel.Package(size, amount, included));
      }
      default -> throw fail(path + ".model", "must be one of " + MODELS + "; got '" + abbreviate(model) + "'");
    };
  }

  private List<PriceModel.Tier> tiers(JsonNode node, String path) {
    JsonNode tiers = node.get("tiers");
    if (tiers == null || !tiers.isArray() || tiers.isEmpty()) {
      throw fail(path + ".tiers", "required: a list of tiers [{up_to: 10000, unit: \"0.002\"}, {unit: \"0.001\"}], "
          + "each up_to larger than the one before, the last without one");
    }
    List<PriceModel.Tier> out = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      String tp = path + ".tiers[" + i + "]";
      JsonNode t = tiers.get(i);
      object(t, tp, TIER_FIELDS);
      Optional<Long> upTo = t.hasNonNull("up_to") ? Optional.of(integer(t, "up_to", tp, 1, Long.MAX_VALUE / 2, -1))
          : Optional.empty();
      BigDecimal unit = t.hasNonNull("unit") ? decimal(t, "unit", tp) : BigDecimal.ZERO;
      BigDecimal flat = t.hasNonNull("flat") ? decimal(t, "flat", tp) : BigDecimal.ZERO;
      out.add(guard(tp, () -> new PriceModel.Tier(upTo, unit, flat)));
    }
    return out;
  }

  private long included(JsonNode node, String path) {
    return integer(node, "included", path, 0, Long.MAX_VALUE / 2, 0);
  }

  Currency currency(JsonNode node, String field, String path) {
    String code = requiredText(node, field, path);
    try {
      Currency c = Currency.getInstance(code);
      if (c.getDefaultFractionDigits() >= 0) {
        return c;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw fail(path + "." + field, "must be an ISO 4217 currency code with minor units, such as USD, EUR, JPY or "
        + "KWD; got '" + abbreviate(code) + "'");
  }

  private BigDecimal decimal(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw fail(path + "." + field, "required: an amount as a quoted decimal string such as \"0.002\"");
    }
    return decimal(v, path + "." + field);
  }

  BigDecimal decimal(JsonNode v, String path) {
    if (v.isNumber()) {
      throw fail(path, "write amounts as quoted decimal strings (\"" + abbreviate(v.asText()) + "\"): a bare number is "
          + "read as binary floating point, and no floating point touches money");
    }
    String text = v.isTextual() ? v.asText().strip() : "";
    if (!DECIMAL.matcher(text).matches()) {
      throw fail(path, "must be a decimal string of 0 or more, at most 18 digits before the point and "
          + MAX_PRICE_DECIMALS + " after, such as \"0.002\"; got " + abbreviate(v.toString()));
    }
    return new BigDecimal(text);
  }
}
