package dev.monetize.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.billing.PriceModel;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The money of a plan in the plans file: every form, and every mistake named with its path. */
class PlanPricesLoaderTest {
  private static final String OPS = "operations:\n  - {id: summary, method: GET, path: /s}\n"
      + "  - {id: export, method: GET, path: /e}\n";

  private static Catalog load(String plan) {
    return CatalogLoader.parse("plans.yaml", "plans:\n  pro:\n    rate: {count: 10, burst: 10}\n"
        + "    quotas: [{limit: 1000, window: day}]\n" + plan + OPS);
  }

  @Test
  void everyModelLoadsWithIncludedUnitsAndTierFees() {
    Plan pro = load("""
            currency: USD
            fee: "90.00"
            minimum: "50.00"
            overage: bill
            prices:
              summary:
                calls: {model: graduated, included: 1000, tiers: [{up_to: 10000, unit: "0.002"}, {unit: "0.001"}]}
                bytes_out: {model: per_unit, unit: "0.09", per: 1073741824}
              export:
                calls: {model: package, size: 100, amount: "5.00"}
                rows_scanned: {model: volume, tiers: [{up_to: 1000000, unit: "0.000002", flat: "1.00"}, {unit: "0.000001"}]}
        """).plan("pro").orElseThrow();
    assertThat(pro.currency()).contains(Currency.getInstance("USD"));
    assertThat(pro.fee().orElseThrow().amount()).isEqualByComparingTo("90.00");
    assertThat(pro.minimum().orElseThrow().amount()).isEqualByComparingTo("50.00");
    assertThat(pro.usagePrices().get("summary").get("calls")).isInstanceOf(PriceModel.Graduated.class)
        .extracting(PriceModel::included).isEqualTo(1000L);
    assertThat(pro.usagePrices().get("summary").get("bytes_out").charge(1L << 30)).isEqualByComparingTo("0.09");
    assertThat(pro.usagePrices().get("export").get("calls").charge(101)).isEqualByComparingTo("10.00");
    assertThat(pro.usagePrices().get("export").get("rows_scanned").charge(1_000_000)).isEqualByComparingTo("3.00");
  }

  @Test
  void aPlanPricedOnlyByItsOperationsStillBillsInOneCurrency() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", """
        plans:
          free: {rate: {count: 1}, quotas: [{limit: 10, window: day}]}
        operations:
          - {id: a, method: GET, path: /a, price: {amount: "0.01", currency: USD}}
          - {id: b, method: GET, path: /b, price: {amount: "0.01", currency: EUR}}
        """)).hasMessageContaining("plan 'free' is billed in one currency, but its operations are priced in [EUR, USD]");
  }

  @Test
  void aPlanThatPricesTheCallsItselfIsNotHeldToTheOperationsCurrency() {
    // the operation's EUR price is what plans without their own price bill; this plan bills its own USD model
    Plan usd = CatalogLoader.parse("plans.yaml", """
        plans:
          usd:
            rate: {count: 1}
            quotas: [{limit: 10, window: day}]
            currency: USD
            prices: {a: {calls: {model: graduated, tiers: [{up_to: 100, unit: "0.01"}, {unit: "0.005"}]}}}
          euro: {rate: {count: 1}, quotas: [{limit: 10, window: day}]}
        operations:
          - {id: a, method: GET, path: /a, price: {amount: "0.01", currency: EUR}}
        """).plan("usd").orElseThrow();
    assertThat(usd.currency()).contains(Currency.getInstance("USD"));
    // without a model of its own, the operation's currency is still held against the plan's
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", """
        plans:
          usd: {rate: {count: 1}, quotas: [{limit: 10, window: day}], currency: USD, fee: "1.00"}
        operations:
          - {id: a, method: GET, path: /a, price: {amount: "0.01", currency: EUR}}
        """)).hasMessageContaining("plan 'usd' bills in USD but operation 'a' is priced in EUR");
  }

  @Test
  void theShortFormsStillLoad() {
    Plan pro = load("    fee: {amount: \"29.00\", currency: EUR}\n    prices:\n"
        + "      summary: {amount: \"0.002\", currency: EUR, unit: call}\n").plan("pro").orElseThrow();
    assertThat(pro.currency()).contains(Currency.getInstance("EUR"));
    assertThat(pro.prices().get("summary").amount()).isEqualByComparingTo("0.002");
  }

  @Test
  void mistakesNameTheFieldAndWhatIsAllowed() {
    List<List<String>> cases = List.of(
        List.of("    currency: USD\n    fee: 90.00\n", "plans.pro.fee: write amounts as quoted decimal strings"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: per_unit, unit: 0.002}}}\n",
            "plans.pro.prices.summary.calls.unit: write amounts as quoted decimal strings"),
        List.of("    fee: \"90.00\"\n", "plans.pro.fee: an amount needs the plan's currency"),
        List.of("    currency: JPY\n    fee: \"90.50\"\n", "plans.pro.fee: JPY has 0 decimals; got 90.50"),
        List.of("    currency: XXX\n", "plans.pro.currency: must be an ISO 4217 currency code with minor units"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: tiered}}}\n",
            "plans.pro.prices.summary.calls.model: must be one of per_unit, graduated, volume, package; got 'tiered'"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: package, size: 10, amount: \"1\", tiers: []}}}\n",
            "plans.pro.prices.summary.calls.tiers: unknown field; allowed here: [amount, included, model, size]"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: volume, tiers: [{up_to: 10, unit: \"1\"}]}}}\n",
            "plans.pro.prices.summary.calls: only the last tier is unbounded"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: graduated, tiers: [{up_to: 10, unit: \"1\"}, {up_to: 5, unit: \"1\"}, {unit: \"1\"}]}}}\n",
            "plans.pro.prices.summary.calls: tier bounds must increase"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: per_unit, unit: \"1\", per: 3}}}\n",
            "plans.pro.prices.summary.calls: per must be a whole number of units whose only prime factors are 2 and 5"),
        List.of("    currency: USD\n    prices: {summary: {calls: {model: per_unit, unit: \"-1\"}}}\n",
            "plans.pro.prices.summary.calls.unit: must be a decimal string of 0 or more"),
        List.of("    currency: USD\n    prices: {summary: {amount: \"0.01\", currency: EUR}}\n",
            "plans.pro: plan 'pro': every amount is in one currency"),
        List.of("    prices: {summary: {calls: {model: per_unit, unit: \"0.01\"}}}\n",
            "usage prices need the plan's currency"),
        List.of("    prices: {summary: {amount: \"0.01\", currency: USD}, export: {amount: \"0.01\", currency: EUR}}\n",
            "every amount is in one currency"),
        List.of("    currency: USD\n    prices: {nope: {calls: {model: per_unit, unit: \"0.01\"}}}\n",
            "plan 'pro': price for unknown operation 'nope'"),
        // bug 6: the wallet keeps balances to the millionth, so a prepaid price must be exact in it
        List.of("    prepaid: true\n    prices: {summary: {amount: \"0.0000015\", currency: USD}}\n",
            "plan 'pro' is prepaid: the price of 'summary' (0.0000015) has more than 6 decimals"),
        List.of("    prepaid: true\n    currency: USD\n    prices: {summary: {calls: {model: per_unit, unit: \"0.01\", included: 5}}}\n",
            "plan 'pro' is prepaid: its wallet pays each call as it is admitted"));
    for (List<String> c : cases) {
      assertThatThrownBy(() -> load(c.get(0))).as(c.get(0)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("plans.yaml: ").hasMessageContaining(c.get(1));
    }
  }
}
