package dev.monetize.insight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.config.CatalogLoader;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operator's analytics on a small fixed usage set whose margins are worked out by hand; the
 * same scenario runs on the PostgreSQL ledger in the PostgreSQL module ({@link #scenario}).
 */
public class AnalyticsTest {
  /** The plans: per-call prices, SLA targets, a cost model. */
  public static final String PLANS = """
      plans:
        basic:
          rank: 0
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: 100000, window: month } ]
          scopes: ["*"]
          prices: { summary: { amount: "0.01", currency: USD, unit: call } }
          sla: { latency_p99: 300ms, availability: "99.9" }
        pro:
          rank: 10
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: 1000000, window: month } ]
          scopes: ["*"]
          currency: USD
          fee: "20.00"
          prices: { summary: { amount: "0.001", currency: USD, unit: call } }
          sla: { latency_p99: 300ms }
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      costs:
        currency: USD
        per_call: "0.001"
        per_gib_out: "1.00"
        fixed_monthly: "30.00"
      """;
  static final Instant START = Instant.parse("2026-11-10T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Each test's clock, an hour into the scenario's day unless the test sets it, and its operator's credential. */
  private final ManualTimeSource time = ManualTimeSource.at(START.plusSeconds(3_600));
  private final String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());

  /** The engine of the scenario, on the given usage sink (memory by default). */
  public static Monetize engine(MonetizeBuilder b, ManualTimeSource time, String operatorKey) {
    return engine(b, time, operatorKey, PLANS);
  }

  /** The engine of the scenario on another plans file. */
  static Monetize engine(MonetizeBuilder b, ManualTimeSource time, String operatorKey, String plans) {
    return b.catalog(CatalogLoader.parse("plans.yaml", plans)).timeSource(time).measureCpuTime(false)
        .operatorKey(operatorKey).build();
  }

  /**
   * The fixed usage: acme (basic) makes 10 calls of 1 MiB each, globex (basic) 30 calls of nothing,
   * on 2026-11-10; two of globex's are answered 500, one of acme's takes 400 ms.
   */
  public static void scenario(Monetize m, ManualTimeSource time) {
    Operation summary = m.catalog().operation("summary").orElseThrow();
    m.customers().save(Customer.of("acme", "basic"));
    m.customers().save(Customer.of("globex", "basic"));
    IssuedKey acme = m.keys().issue("acme", Set.of("*"));
    IssuedKey globex = m.keys().issue("globex", Set.of("*"));
    for (int i = 0; i < 10; i++) {
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "a" + i,
          "Bearer " + acme.secret(), null));
      time.advance(Duration.ofMillis(i == 0 ? 400 : 20));
      a.complete(200, 1L << 20);
    }
    for (int i = 0; i < 30; i++) {
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.10", "g" + i,
          "Bearer " + globex.secret(), null));
      time.advance(Duration.ofMillis(10));
      a.complete(i < 2 ? 500 : 200, 0);
    }
    m.flushUsage();
  }

  public static JsonNode get(Monetize m, String pathAndQuery, String secret) throws Exception {
    String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
    String query = pathAndQuery.contains("?") ? pathAndQuery.substring(pathAndQuery.indexOf('?') + 1) : null;
    ManagementApi.Response r = m.managementApi().handle(ManagementApi.Request.withRawQuery("GET", path, query,
        Optional.of("Bearer " + secret), Optional.empty(), new byte[0], "10.0.0.9", "req"));
    JsonNode body = JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
    assertThat(r.status()).as(body.toString()).isEqualTo(200);
    return body;
  }

  static JsonNode post(Monetize m, String path, String body, String secret, int status) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(ManagementApi.Request.withRawQuery("POST", path, null,
        Optional.of("Bearer " + secret), Optional.empty(), body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
    JsonNode out = JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
    assertThat(r.status()).as(out.toString()).isEqualTo(status);
    return out;
  }

  /** {@code n} calls of {@code summary} with {@code key}, each answered 200, delivered to the ledger. */
  private static void served(Monetize m, Operation summary, IssuedKey key, String ids, int n) {
    for (int i = 0; i < n; i++) {
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", ids + i,
          "Bearer " + key.secret(), null));
      a.complete(200, 0);
    }
    m.flushUsage();
  }

  private static JsonNode row(JsonNode rows, String key, String value) {
    for (JsonNode r : rows) {
      if (r.get(key).asText().equals(value)) {
        return r;
      }
    }
    throw new AssertionError("no row " + key + "=" + value + " in " + rows);
  }

  /** The margins of the scenario, as worked out by hand in the comments. */
  public static void assertMargins(JsonNode costs) {
    assertThat(costs.get("currency").asText()).isEqualTo("USD");
    // one day of 30 USD per 30 days: 1.00, split by calls 10:30
    assertThat(costs.get("fixed_costs").asText()).isEqualTo("1.000000");
    JsonNode acme = row(costs.get("customers"), "customer_id", "acme");
    assertThat(acme.get("calls").asLong()).isEqualTo(10);
    assertThat(acme.get("revenue").asText()).isEqualTo("0.100000"); // 10 x 0.01
    // 10 x 0.001 per call + 10 MiB = 0.009765625 GiB x 1.00 + 0.25 of the fixed 1.00
    assertThat(acme.get("cost").asText()).isEqualTo("0.269766");
    assertThat(acme.get("margin").asText()).isEqualTo("-0.169766");
    JsonNode globex = row(costs.get("customers"), "customer_id", "globex");
    assertThat(globex.get("revenue").asText()).isEqualTo("0.300000"); // 30 x 0.01
    assertThat(globex.get("cost").asText()).isEqualTo("0.780000"); // 30 x 0.001 + 0.75
    assertThat(globex.get("margin_percent").asText()).isEqualTo("-160.00");
    JsonNode summary = row(costs.get("operations"), "operation", "summary");
    assertThat(summary.get("revenue").asText()).isEqualTo("0.400000");
    assertThat(summary.get("cost").asText()).isEqualTo("1.049766");
    assertThat(costs.get("customers").get(0).get("customer_id").asText()).isEqualTo("globex"); // least profitable first
  }

  @Test
  void marginsSlaCustomersAndWhatIfOnAFixedUsageSet() throws Exception {
    try (Monetize m = engine(Monetize.builder(), time, operator)) {
      scenario(m, time);
      assertMargins(get(m, "/monetize/analytics/costs?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z", operator));

      JsonNode sla = get(m, "/monetize/analytics/sla?from=2026-11-10&to=2026-11-10", operator);
      JsonNode basic = row(sla.get("plans"), "plan", "basic");
      assertThat(basic.get("requests").asLong()).isEqualTo(40);
      assertThat(basic.get("errors").asLong()).isEqualTo(2);
      assertThat(basic.get("availability").asText()).isEqualTo("95");
      assertThat(basic.get("met").asBoolean()).isFalse();
      assertThat(basic.get("periods_missed").get(0).get("date").asText()).isEqualTo("2026-11-10");
      assertThat(basic.get("periods_missed").get(0).get("missed")).extracting(JsonNode::asText)
          .containsExactly("latency_p99", "availability"); // of 40 calls the 99th percentile is the slowest: 400 ms
      assertThat(Double.parseDouble(basic.get("latency_p99_ms").asText())).isBetween(400.0, 450.0);
      assertThat(Double.parseDouble(basic.get("latency_p50_ms").asText())).isBetween(10.0, 11.25);
      JsonNode idle = row(sla.get("plans"), "plan", "pro"); // a target, and no call to measure it on
      assertThat(idle.get("requests").asLong()).isZero();
      assertThat(idle.get("met").isNull()).as("neither met nor missed: %s", idle).isTrue();
      assertThat(idle.get("availability").isNull()).isTrue();
      assertThat(idle.get("error_rate").isNull()).isTrue();
      JsonNode future = row(get(m, "/monetize/analytics/sla?from=2027-06-01&to=2027-06-30", operator).get("plans"),
          "plan", "basic"); // days that have not come
      assertThat(future.get("met").isNull()).as("%s", future).isTrue();

      JsonNode customers = get(m, "/monetize/analytics/customers?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z",
          operator);
      assertThat(customers.get("by_revenue").get(0).get("customer_id").asText()).isEqualTo("globex");
      assertThat(customers.get("by_calls").get(0).get("calls").asLong()).isEqualTo(30);
      assertThat(row(customers.get("by_revenue"), "customer_id", "globex").get("error_rate").asText())
          .isEqualTo("0.066667");

      // what-if of the actual plan equals the actual invoices; pro would cost each 20 USD a month plus 0.001 a call
      JsonNode same = post(m, "/monetize/analytics/what-if", "{\"plan\": \"basic\"}", operator, 200);
      assertThat(same.get("actual_total").asText()).isEqualTo(same.get("candidate_total").asText());
      for (String id : new String[] {"acme", "globex"}) {
        JsonNode invoices = get(m, "/monetize/invoices?customer_id=" + id, operator);
        String invoiced = invoices.get("data").get(0).get("total").asText();
        assertThat(row(same.get("customers"), "customer_id", id).get("actual").asText()).isEqualTo(invoiced);
      }
      assertThat(same.get("actual_total").asText()).isEqualTo("0.40");
      JsonNode pro = post(m, "/monetize/analytics/what-if", "{\"plan\": \"pro\"}", operator, 200);
      // from when each became a customer (11-10 01:00) to the period's end: 20.00 x 1,810,800 / 2,592,000 s
      // = 13.97 each, plus 10 and 30 calls at 0.001 (not the fee of the whole month: 40.04)
      assertThat(pro.get("candidate_total").asText()).isEqualTo("27.98");
      assertThat(pro.get("would_pay_more").asInt()).isEqualTo(2);
      JsonNode inline = post(m, "/monetize/analytics/what-if", """
          {"plan": {"name": "cheap", "rank": 1, "rate": {"count": 10, "period": "1s", "burst": 10},
            "quotas": [{"limit": 100, "window": "month"}],
            "prices": {"summary": {"amount": "0.005", "currency": "USD", "unit": "call"}}}}""", operator, 200);
      assertThat(inline.get("candidate_total").asText()).isEqualTo("0.20");
      assertThat(inline.get("would_pay_less").asInt()).isEqualTo(2);
      post(m, "/monetize/analytics/what-if", "{\"plan\": \"gold\"}", operator, 400);
      post(m, "/monetize/analytics/what-if", "{\"plan\": {\"name\": \"x\", \"rank\": -4}}", operator, 400);
    }
  }

  @Test
  void aRangeBeforeAPlanChangeCountsOnlyThePlanOfThatPart() throws Exception {
    try (Monetize m = engine(Monetize.builder(), time, operator)) {
      Operation summary = m.catalog().operation("summary").orElseThrow();
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      served(m, summary, acme, "a", 100); // 100 calls on basic at 0.01
      time.set(START.plus(Duration.ofHours(12)));
      m.customers().save(Customer.of("acme", "pro")); // from noon: pro, 20.00 a month and 0.001 a call
      served(m, summary, acme, "b", 100);
      time.set(START.plus(Duration.ofDays(1)));
      JsonNode morning = get(m, "/monetize/analytics/costs?from=2026-11-10T00:00:00Z&to=2026-11-10T12:00:00Z",
          operator);
      // only the basic part: 100 x 0.01; nothing of pro's calls or fee
      assertThat(row(morning.get("customers"), "customer_id", "acme").get("revenue").asText()).isEqualTo("1.000000");
    }
  }

  /**
   * A plan the customer returned to is two parts of the period, each with its own lines: a range over
   * the first part counts that part's lines alone (an audit saw the second part's rounded lines and
   * fee shared into it, 0.104474 for 0.11).
   */
  @Test
  void aPlanReturnedToCountsEachPartsOwnLines() throws Exception {
    String plans = PLANS.replace("prices: { summary: { amount: \"0.01\", currency: USD, unit: call } }",
        "currency: USD\n    fee: \"5.00\"\n    prices: { summary: { amount: \"0.015\", currency: USD, unit: call } }");
    assertThat(plans).isNotEqualTo(PLANS);
    try (Monetize m = engine(Monetize.builder(), time, operator, plans)) {
      Operation summary = m.catalog().operation("summary").orElseThrow();
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      int[] calls = {2, 1, 3}; // on basic, then pro from noon, then basic again from 13:00
      String[] planOf = {"basic", "pro", "basic"};
      for (int part = 0; part < 3; part++) {
        if (part > 0) {
          time.set(START.plus(Duration.ofHours(11 + part)));
          m.customers().save(Customer.of("acme", planOf[part]));
        }
        served(m, summary, acme, "c" + part, calls[part]);
      }
      time.set(START.plus(Duration.ofDays(1)));
      JsonNode morning = get(m, "/monetize/analytics/costs?from=2026-11-10T00:00:00Z&to=2026-11-10T12:00:00Z",
          operator);
      // the first part alone: 2 x 0.015 = 0.03, and its fee, 5.00 x 11 h / 30 days = 0.076... = 0.08
      assertThat(row(morning.get("customers"), "customer_id", "acme").get("revenue").asText()).isEqualTo("0.110000");
    }
  }

  /**
   * A customer is rated from when it had a plan: no revenue for the periods before, a fee without a
   * call counts, and the what-if of its own plan is its invoice (not a whole month's fee).
   */
  @Test
  void aCustomerIsRatedFromWhenItHadAPlanAndAFeeWithoutCallsCounts() throws Exception {
    try (Monetize m = engine(Monetize.builder(), time, operator)) {
      scenario(m, time);
      m.customers().save(Customer.of("idle", "pro")); // 11-10 01:00 and a few ms: 20.00 a month, no call ever
      time.set(START.plus(Duration.ofDays(1)));
      JsonNode costs = get(m, "/monetize/analytics/costs?from=2026-10-01T00:00:00Z&to=2026-11-11T00:00:00Z", operator);
      // its November invoice's fee, 20.00 x its seconds of November / 2,592,000 = 13.97, taken for the range's share
      // of those seconds (82,800 of 1,810,800): 0.638787; nothing for October, when it was no customer
      JsonNode idle = row(costs.get("customers"), "customer_id", "idle");
      assertThat(idle.get("calls").asLong()).isZero();
      assertThat(new java.math.BigDecimal(idle.get("revenue").asText())).isBetween(new java.math.BigDecimal("0.6387"),
          new java.math.BigDecimal("0.6389"));
      assertThat(row(costs.get("customers"), "customer_id", "acme").get("revenue").asText()).isEqualTo("0.100000");
      JsonNode customers = get(m, "/monetize/analytics/customers?from=2026-10-01T00:00:00Z&to=2026-11-11T00:00:00Z",
          operator);
      assertThat(row(customers.get("by_revenue"), "customer_id", "idle").get("calls").asLong()).isZero();

      JsonNode same = post(m, "/monetize/analytics/what-if", "{\"plan\": \"pro\"}", operator, 200);
      JsonNode invoice = get(m, "/monetize/invoices?customer_id=idle", operator).get("data").get(0);
      assertThat(invoice.get("total").asText()).isEqualTo("13.97");
      assertThat(row(same.get("customers"), "customer_id", "idle").get("actual").asText()).isEqualTo("13.97");
      assertThat(row(same.get("customers"), "customer_id", "idle").get("candidate").asText()).isEqualTo("13.97");

      // a prepaid candidate is revenue too: its calls are paid from the wallet, not given away
      JsonNode prepaid = post(m, "/monetize/analytics/what-if", """
          {"plan": {"name": "basic", "rank": 0, "rate": {"count": 10, "period": "1s", "burst": 10},
            "quotas": [{"limit": 100, "window": "month"}], "prepaid": true,
            "prices": {"summary": {"amount": "0.01", "currency": "USD", "unit": "call"}}}}""", operator, 200);
      assertThat(row(prepaid.get("customers"), "customer_id", "acme").get("candidate").asText()).isEqualTo("0.10");
      post(m, "/monetize/analytics/what-if", """
          {"plan": {"name": "x", "rank": 1, "rate": {"count": 10, "period": "1s"},
            "quotas": [{"limit": 100, "window": "month"}], "sla": {"latency_p99": "abc"}}}""", operator, 400);
    }
  }

  /**
   * Customers billed in two currencies against a candidate that prices nothing (no currency of its
   * own): the totals are in one currency, the other customer is skipped, amounts carry the
   * currency's digits.
   */
  @Test
  void whatIfNeverAddsAmountsInTwoCurrencies() throws Exception {
    time.set(Instant.parse("2026-03-01T00:00:00Z"));
    String plans = """
        plans:
          dollars: {rate: {count: 100}, quotas: [{limit: 100000, window: month}], currency: USD, fee: "30.00"}
          euros: {rate: {count: 100}, quotas: [{limit: 100000, window: month}], currency: EUR, fee: "30.00"}
          free: {rate: {count: 100}, quotas: [{limit: 100000, window: month}]}
        operations:
          - {id: summary, method: GET, path: /v1/summary}
        """;
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", plans)).timeSource(time)
        .measureCpuTime(false).operatorKey(operator).build()) {
      m.customers().save(Customer.of("eu", "euros"));
      m.customers().save(Customer.of("us", "dollars"));
      time.set(Instant.parse("2026-03-10T00:00:00Z"));
      JsonNode free = post(m, "/monetize/analytics/what-if", "{\"plan\": \"free\"}", operator, 200);
      // the first customer in id order sets the currency (eu): us is skipped, never added
      assertThat(free.get("currency").asText()).isEqualTo("EUR");
      assertThat(free.get("actual_total").asText()).isEqualTo("30.00");
      assertThat(free.get("candidate_total").asText()).isEqualTo("0.00");
      assertThat(free.get("difference").asText()).isEqualTo("-30.00");
      assertThat(row(free.get("customers"), "customer_id", "eu").get("candidate").asText()).isEqualTo("0.00");
      assertThat(free.get("skipped")).hasSize(1);
      assertThat(free.get("skipped").get(0).get("customer_id").asText()).isEqualTo("us");
      assertThat(free.get("skipped").get(0).get("reason").asText()).isEqualTo("bills in USD, the totals are in EUR");
      // a candidate with a currency sets it: those billed in another are skipped
      JsonNode dollars = post(m, "/monetize/analytics/what-if", "{\"plan\": \"dollars\"}", operator, 200);
      assertThat(dollars.get("currency").asText()).isEqualTo("USD");
      assertThat(dollars.get("actual_total").asText()).isEqualTo("30.00");
      assertThat(dollars.get("skipped").get(0).get("customer_id").asText()).isEqualTo("eu");
    }
  }

  /**
   * A customer the engine never recorded a plan for (kept in the customer store by other means) is
   * rated on its current plan in the current period, as its draft invoice is, even with a change
   * scheduled ahead.
   */
  @Test
  void aCustomerWithoutHistoryIsRatedAsItsDraftInvoiceEvenWithAChangeAhead() throws Exception {
    dev.monetize.keys.CustomerStore store = dev.monetize.keys.CustomerStore.inMemory();
    try (Monetize m = engine(Monetize.builder().customerStore(store), time, operator)) {
      store.save(Customer.of("legacy", "pro")); // straight into the store: no plan change in the history
      IssuedKey key = m.keys().issue("legacy", Set.of("*"));
      Admission a = m.admit(m.catalog().operation("summary").orElseThrow(), ApiRequest.of("GET", "/v1/summary",
          "203.0.113.9", "l", "Bearer " + key.secret(), null));
      a.complete(200, 0);
      m.flushUsage();
      time.set(START.plus(Duration.ofDays(1)));
      String month = "/monetize/analytics/costs?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
      String before = row(get(m, month, operator).get("customers"), "customer_id", "legacy").get("revenue").asText();
      String draft = get(m, "/monetize/invoices/draft?customer_id=legacy", operator).get("total").asText();
      assertThat(new java.math.BigDecimal(before)).isEqualByComparingTo(new java.math.BigDecimal(draft))
          .isPositive(); // the whole month's fee of pro so far: its draft
      post(m, "/monetize/analytics/what-if", "{\"plan\": \"pro\"}", operator, 200);
      ManagementApi.Response patched = m.managementApi().handle(ManagementApi.Request.withRawQuery("PATCH",
          "/monetize/organizations/legacy", null, Optional.of("Bearer " + operator), Optional.empty(),
          "{\"plan\": \"basic\", \"at\": \"period_end\"}".getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
      assertThat(patched.status()).isEqualTo(200);
      String after = row(get(m, month, operator).get("customers"), "customer_id", "legacy").get("revenue").asText();
      assertThat(after).isEqualTo(before);
    }
  }

  @Test
  void badRangesAreRefusedNamingTheParameter() throws Exception {
    time.set(START);
    try (Monetize m = engine(Monetize.builder(), time, operator)) {
      for (String q : new String[] {"/monetize/analytics/sla?to=%2B999999999-12-31",
          "/monetize/analytics/sla?from=2026-11-10&to=2026-01-01", "/monetize/analytics/sla?from=2025-12-01&to=2026-12-02",
          "/monetize/analytics/costs?from=1900-01-01T00:00:00Z",
          "/monetize/analytics/costs?to=yesterday", "/monetize/analytics/customers?limit=0"}) {
        String path = q.substring(0, q.indexOf('?'));
        ManagementApi.Response r = m.managementApi().handle(ManagementApi.Request.withRawQuery("GET", path,
            q.substring(q.indexOf('?') + 1), Optional.of("Bearer " + operator), Optional.empty(), new byte[0],
            "10.0.0.9", "req"));
        assertThat(r.status()).as(q).isEqualTo(400);
      }
      post(m, "/monetize/analytics/what-if", "{\"plan\": \"basic\", \"at\": \"+1000000000-01-01T00:00:00Z\"}",
          operator, 400);
      get(m, "/monetize/analytics/sla?from=2025-12-02&to=2026-12-02", operator); // 366 days, both counted
      get(m, "/monetize/analytics/sla?from=2025-12-01&to=2026-12-01", operator);
    }
  }

  /**
   * Upsell signals belong to the plan they were counted on: after a move to the plan they pointed to,
   * the customer is no longer suggested a plan above it; a customer record this JVM cannot read is
   * named in {@code skipped}, not a 500 (and the sla default range starts no earlier than 2000).
   */
  @Test
  void upsellSignalsFollowThePlanAndAnUnreadableRecordIsSkipped() throws Exception {
    java.util.Set<String> unreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    dev.monetize.keys.CustomerStore store = new dev.monetize.ForwardingCustomerStore() {
      @Override
      public Optional<Customer> find(String id) {
        if (unreadable.contains(id)) {
          throw new java.time.zone.ZoneRulesException("Unknown time-zone ID: Mars/Olympus");
        }
        return super.find(id);
      }
    };
    // basic (the first plan) allows one call a second
    String plans = PLANS.replaceFirst("rate: \\{ count: 100000, period: 1s, burst: 100000 }",
        "rate: { count: 1, period: 1s, burst: 1 }").replace("operations:", """
          max:
            rank: 20
            rate: { count: 100000, period: 1s, burst: 100000 }
            quotas: [ { limit: 1000000, window: month } ]
            scopes: ["*"]
            currency: USD
            prices: { summary: { amount: "0.0005", currency: USD, unit: call } }
        operations:""");
    assertThat(plans).isNotEqualTo(PLANS);
    try (Monetize m = engine(Monetize.builder().customerStore(store).keyCacheTtl(Duration.ZERO), time, operator,
        plans)) {
      Operation summary = m.catalog().operation("summary").orElseThrow();
      m.customers().save(Customer.of("acme", "basic"));
      m.customers().save(Customer.of("globex", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      IssuedKey globex = m.keys().issue("globex", Set.of("*"));
      for (int i = 0; i < 3; i++) { // basic's rate of 1 a second: two refused
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "a" + i,
            "Bearer " + acme.secret(), null));
        a.complete(a.decision().status(), 0);
      }
      Admission g = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.10", "g", "Bearer "
          + globex.secret(), null));
      g.complete(200, 0);
      m.flushUsage();
      String range = "?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z";
      JsonNode before = get(m, "/monetize/analytics/customers" + range, operator);
      assertThat(row(before.get("upsell"), "customer_id", "acme").get("suggested_plan").asText()).isEqualTo("pro");

      m.customers().save(Customer.of("acme", "pro"));
      JsonNode after = get(m, "/monetize/analytics/customers" + range, operator);
      // the refusals were basic's and pointed to pro: on pro, nothing suggests max
      assertThat(after.get("upsell")).isEmpty();
      time.advance(Duration.ofSeconds(2));
      Admission onPro = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "p", "Bearer "
          + acme.secret(), null));
      onPro.complete(onPro.decision().status(), 0);
      JsonNode counted = get(m, "/monetize/analytics/customers" + range, operator);
      assertThat(row(counted.get("by_calls"), "customer_id", "acme").get("refusals").get("rate_limited").asLong())
          .isZero(); // a request on pro starts the counters again
      assertThat(counted.get("upsell")).isEmpty();

      unreadable.add("globex");
      JsonNode skipping = get(m, "/monetize/analytics/customers" + range, operator);
      assertThat(skipping.get("skipped").get(0).get("customer_id").asText()).isEqualTo("globex");
      assertThat(skipping.get("skipped").get(0).get("reason").asText()).contains("Mars/Olympus");
      JsonNode costs = get(m, "/monetize/analytics/costs" + range, operator);
      assertThat(costs.get("skipped").get(0).get("customer_id").asText()).isEqualTo("globex");
      assertThat(costs.get("customers").toString()).doesNotContain("globex"); // left out, not costed without revenue
      JsonNode whatIf = post(m, "/monetize/analytics/what-if", "{\"plan\": \"basic\"}", operator, 200);
      assertThat(whatIf.get("skipped").get(0).get("customer_id").asText()).isEqualTo("globex");

      assertThat(get(m, "/monetize/analytics/sla?to=2000-01-01", operator).get("from").asText())
          .isEqualTo("2000-01-01");
    }
  }

  /** A ledger whose totals wait until released: a report that reads it is in progress meanwhile. */
  private static final class HeldLedger implements dev.monetize.metering.UsageSink, dev.monetize.metering.UsageTotals {
    final java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    @Override
    public void accept(java.util.List<dev.monetize.metering.UsageRecord> batch) {
    }

    @Override
    public Totals totals(String customerId, Instant from, Instant to) {
      reading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Totals(0, 0, 0, 0, 0, java.util.Map.of(), java.util.Map.of());
    }

    @Override
    public java.util.Set<String> customers(Instant from, Instant to) {
      return java.util.Set.of("acme");
    }
  }

  /** One report is computed at a time; another meanwhile is a 429 with Retry-After, not a second pass over every customer. */
  /**
   * A key's own lower limit, set when the key was made, is no plan's: its refusals neither sell the
   * next plan in their hint nor make the customer an upsell (a newcomer saw both).
   */
  @Test
  void aKeysOwnLimitSellsNoPlan() throws Exception {
    try (Monetize m = engine(Monetize.builder(), time, operator)) {
      Operation summary = m.catalog().operation("summary").orElseThrow();
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey own = m.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*")).limit("monthly", 1));
      for (int i = 0; i < 3; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "k" + i,
            "Bearer " + own.secret(), null));
        if (i > 0) {
          assertThat(a.decision().error()).contains(ErrorCode.QUOTA_EXHAUSTED);
          assertThat(a.decision().violatedPolicies()).containsExactly("monthly-key");
          assertThat(a.problem().hint()).doesNotContain("upgrade").contains("this key's own");
        }
        a.complete(a.decision().status(), 0);
      }
      m.flushUsage();
      JsonNode report = get(m, "/monetize/analytics/customers?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z",
          operator);
      assertThat(report.get("upsell")).isEmpty();
    }
  }

  @Test
  void reportsAreComputedOneAtATime() throws Exception {
    HeldLedger ledger = new HeldLedger();
    try (Monetize m = engine(Monetize.builder().usageSink(ledger), time, operator)) {
      m.customers().save(Customer.of("acme", "basic"));
      String range = "?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z";
      java.util.concurrent.CompletableFuture<JsonNode> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return get(m, "/monetize/analytics/costs" + range, operator);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      ledger.reading.await();
      ManagementApi.Response busy = m.managementApi().handle(ManagementApi.Request.withRawQuery("GET",
          "/monetize/analytics/customers", range.substring(1), Optional.of("Bearer " + operator), Optional.empty(),
          new byte[0], "10.0.0.9", "req"));
      assertThat(busy.status()).isEqualTo(429);
      assertThat(busy.headers()).contains(new dev.monetize.http.Header("Retry-After", "5"));
      ledger.release.countDown();
      assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS).get("customers")).isNotNull();
      get(m, "/monetize/analytics/customers" + range, operator); // free again
    }
  }
}
