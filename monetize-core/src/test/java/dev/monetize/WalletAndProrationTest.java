package dev.monetize;

import dev.monetize.management.ManagementApi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.billing.TopUp;
import dev.monetize.billing.WalletEntry;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.testing.Concurrently;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Prepaid wallets (top up, balance, history) and invoices prorated across a mid-period plan change. */
class WalletAndProrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();

  private Monetize monetize() {
    Plan basic = plan("basic", 1).fee(Price.of("30.00", "USD", "period"))
        .price("summary", Price.of("0.01", "USD", "call")).build();
    Plan pro = plan("pro", 2).fee(Price.of("90.00", "USD", "period"))
        .price("summary", Price.of("0.005", "USD", "call")).build();
    Plan payg = plan("payg", 3).prepaid(true).price("summary", Price.of("0.25", "USD", "call")).build();
    Catalog catalog = Catalog.builder().plan(basic).plan(pro).plan(payg).operation(summary).build();
    return Monetize.builder().catalog(catalog).timeSource(time).auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private static Plan.Builder plan(String name, int rank) {
    return Plan.builder(name).rank(rank).rate(Rate.perSecond(100_000).withBurst(100_000)).quota(Quota.daily(10_000_000));
  }

  private static IssuedKey key(Monetize m, String customer, String plan, String... scopes) {
    m.customers().save(new Customer(customer, plan, BillingAnchor.of(1, ZoneOffset.UTC), customer));
    return m.keys().issue(customer, scopes.length == 0 ? Set.of("*") : Set.of(scopes));
  }

  private static void calls(Monetize m, Operation op, IssuedKey k, int n) {
    for (int i = 0; i < n; i++) {
      Admission a = m.admit(op, ApiRequest.of("GET", op.pathTemplate(), "10.0.0.1", "r" + i, "Bearer " + k.secret(), null));
      assertThat(a.decision().admitted()).isTrue();
      a.complete(200, 10);
    }
  }

  private static ManagementApi.Response raw(Monetize m, String method, String path, Map<String, String> query,
      IssuedKey k, String body) {
    return m.managementApi().handle(new ManagementApi.Request(method, path, query,
        Optional.of("Bearer " + k.secret()), Optional.empty(), body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
  }

  private static JsonNode api(Monetize m, String method, String path, Map<String, String> query, IssuedKey k,
      String body, int status) throws Exception {
    ManagementApi.Response r = raw(m, method, path, query, k, body);
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.status()).as(text).isEqualTo(status);
    return JSON.readTree(text);
  }

  @Test
  void aTopUpIsAppliedOncePerIdAndKeptInTheHistoryNewestFirst() {
    try (Monetize m = monetize()) {
      m.customers().save(Customer.of("acme", "payg"));
      TopUp first = m.wallet().topUp("acme", new BigDecimal("10.00"), "order-1", "card payment");
      assertThat(first.applied()).isTrue();
      assertThat(first.entry().balanceAfter()).isEqualByComparingTo("10");
      time.advance(Duration.ofMinutes(1));
      TopUp retried = m.wallet().topUp("acme", new BigDecimal("10.00"), "order-1", "card payment");
      assertThat(retried.applied()).isFalse();
      assertThat(retried.entry()).isEqualTo(first.entry());
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("10");
      TopUp refund = m.wallet().topUp("acme", new BigDecimal("-2.5"), "refund-1", "");
      assertThat(refund.entry().kind()).isEqualTo("deduction");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("7.5");
      m.wallet().add("acme", new BigDecimal("0.000001")); // generated id, in the history too
      List<WalletEntry> history = m.wallet().history("acme", 10);
      assertThat(history).extracting(WalletEntry::amount).map(a -> a.stripTrailingZeros().toPlainString())
          .containsExactly("0.000001", "-2.5", "10");
      assertThat(history.get(1).balanceAfter()).isEqualByComparingTo("7.5");
      assertThat(history.get(2).kind()).isEqualTo("top_up");
      assertThat(m.wallet().history("acme", 1)).hasSize(1);
    }
  }

  @Test
  void badTopUpsAreRefusedWithTheReasonAndMoveNothing() {
    try (Monetize m = monetize()) {
      m.customers().save(Customer.of("acme", "payg"));
      assertThatThrownBy(() -> m.wallet().topUp("acme", BigDecimal.ZERO, "a", "")).hasMessageContaining("non-zero");
      assertThatThrownBy(() -> m.wallet().topUp("acme", new BigDecimal("0.0000001"), "a", "")).hasMessageContaining("6 decimals");
      assertThatThrownBy(() -> m.wallet().topUp("acme", new BigDecimal("1e13"), "a", "")).hasMessageContaining("absolute value");
      assertThatThrownBy(() -> m.wallet().topUp("acme", BigDecimal.ONE, "with space", "")).hasMessageContaining("printable");
      assertThatThrownBy(() -> m.wallet().topUp("nobody", BigDecimal.ONE, "a", "")).hasMessageContaining("does not exist");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0");
      assertThat(m.wallet().history("acme", 10)).isEmpty();
    }
  }

  @Test
  void concurrentRetriesOfTheSameTopUpsCountEachOnce() throws Exception {
    try (Monetize m = monetize()) {
      m.customers().save(Customer.of("acme", "payg"));
      Concurrently.run(8, t -> {
        for (int i = 0; i < 100; i++) {
          m.wallet().topUp("acme", new BigDecimal("1.25"), "order-" + i, "");
        }
      });
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("125");
      assertThat(m.wallet().history("acme", 1000)).hasSize(100);
    }
  }

  @Test
  void walletsOverTheManagementApiAreOperatorTopUpsAndOwnHistory() throws Exception {
    try (Monetize m = monetize()) {
      IssuedKey acme = key(m, "acme", "payg");
      IssuedKey globex = key(m, "globex", "payg");
      key(m, "operator", "pro");
      IssuedKey operator = m.keys().issueOperatorKey("operator");
      String body = "{\"customer_id\":\"acme\",\"amount\":\"20.00\",\"id\":\"inv-7\",\"note\":\"bank transfer\"}";
      assertThat(api(m, "POST", "/monetize/credits", Map.of(), acme, body, 403).path("code").asText())
          .isEqualTo("scope_denied");
      JsonNode created = api(m, "POST", "/monetize/credits", Map.of(), operator, body, 201);
      assertThat(created.path("applied").asBoolean()).isTrue();
      assertThat(created.path("balance").asText()).isEqualTo("20");
      assertThat(created.path("kind").asText()).isEqualTo("top_up");
      JsonNode again = api(m, "POST", "/monetize/credits", Map.of(), operator, body, 200);
      assertThat(again.path("applied").asBoolean()).isFalse();
      assertThat(again.path("balance").asText()).isEqualTo("20");
      calls(m, summary, acme, 2); // 2 x 0.25 consumed in real time
      JsonNode wallet = api(m, "GET", "/monetize/credits", Map.of(), acme, "", 200);
      assertThat(wallet.path("customer_id").asText()).isEqualTo("acme");
      assertThat(wallet.path("balance").asText()).isEqualTo("19.5");
      assertThat(wallet.path("entries")).hasSize(1);
      assertThat(wallet.path("entries").get(0).path("id").asText()).isEqualTo("inv-7");
      assertThat(wallet.path("entries").get(0).path("balance_after").asText()).isEqualTo("20");
      assertThat(wallet.path("entries").get(0).path("note").asText()).isEqualTo("bank transfer");
      // another tenant's wallet does not exist for a customer; the operator sees any
      api(m, "GET", "/monetize/credits", Map.of("customer_id", "acme"), globex, "", 404);
      assertThat(api(m, "GET", "/monetize/credits", Map.of("customer_id", "acme"), operator, "", 200)
          .path("balance").asText()).isEqualTo("19.5");
      assertThat(api(m, "GET", "/monetize/credits", Map.of(), globex, "", 200).path("entries")).isEmpty();
      for (String bad : List.of("{\"customer_id\":\"acme\",\"amount\":\"lots\"}",
          "{\"customer_id\":\"acme\",\"amount\":\"0\"}", "{\"customer_id\":\"acme\",\"amount\":\"1.0000001\"}",
          "{\"customer_id\":\"acme\",\"amount\":\"1\",\"id\":\"a b\"}", "{\"customer_id\":\"acme\",\"amount\":1,\"x\":1}",
          "[1]")) {
        assertThat(api(m, "POST", "/monetize/credits", Map.of(), operator, bad, 400).path("code").asText())
            .as(bad).isEqualTo("bad_request");
      }
      api(m, "POST", "/monetize/credits", Map.of(), operator, "{\"customer_id\":\"nobody\",\"amount\":\"1\"}", 404);
      api(m, "DELETE", "/monetize/credits", Map.of(), operator, "", 405);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("19.5");

      // a retry of a top-up without an id in its body, under the same Idempotency-Key, moves money once
      String noId = "{\"customer_id\":\"acme\",\"amount\":\"5\"}";
      java.util.function.BiFunction<String, String, ManagementApi.Response> keyed = (key, b) ->
          m.managementApi().handle(new ManagementApi.Request("POST", "/monetize/credits", Map.of(),
              Optional.of("Bearer " + operator.secret()), Optional.empty(), b.getBytes(StandardCharsets.UTF_8),
              "10.0.0.9", "req").withIdempotencyKey(key));
      assertThat(keyed.apply("retry-1", noId).status()).isEqualTo(201);
      ManagementApi.Response retried = keyed.apply("retry-1", noId);
      assertThat(retried.status()).isEqualTo(200);
      assertThat(JSON.readTree(retried.body()).path("applied").asBoolean()).isFalse();
      assertThat(JSON.readTree(retried.body()).path("id").asText()).isEqualTo("retry-1");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("24.5");
      assertThat(keyed.apply("retry-1", "{\"customer_id\":\"acme\",\"amount\":\"6\"}").status()).isEqualTo(409);
      // a client that adds its own random key to every POST while naming the entry: the body's id counts
      assertThat(keyed.apply("gateway/random+key==", "{\"customer_id\":\"acme\",\"amount\":\"5\",\"id\":\"other\"}")
          .status()).isEqualTo(201);
      assertThat(keyed.apply("another-random", "{\"customer_id\":\"acme\",\"amount\":\"5\",\"id\":\"other\"}")
          .status()).isEqualTo(200);
      assertThat(keyed.apply("a b", noId).status()).isEqualTo(400);
      assertThat(keyed.apply("k1, k2", noId).status()).isEqualTo(400); // the header twice
      assertThat(keyed.apply("same", "{\"customer_id\":\"acme\",\"amount\":\"1\",\"id\":\"same\"}").status())
          .isEqualTo(201);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("30.5");
    }
  }

  @Test
  void aPlanChangeMidPeriodProratesTheFeesAndPricesEachPartAtItsPlan() throws Exception {
    try (Monetize m = monetize()) {
      IssuedKey k = key(m, "acme", "basic");
      time.set(Instant.parse("2026-03-05T00:00:00Z"));
      calls(m, summary, k, 100);
      time.set(Instant.parse("2026-03-11T00:00:00Z")); // 10 of March's 31 days on basic
      m.customers().save(new Customer("acme", "pro", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      time.set(Instant.parse("2026-03-20T00:00:00Z"));
      calls(m, summary, k, 200);
      JsonNode list = api(m, "GET", "/monetize/invoices", Map.of(), k, "", 200);
      String number = list.path("data").get(0).path("id").asText();
      assertThat(number).isEqualTo("draft"); // numbered when it is finalized
      assertThat(list.path("data").get(0).path("number").isNull()).isTrue();
      JsonNode inv = api(m, "GET", "/monetize/invoices/" + number, Map.of(), k, "", 200);
      List<String> lines = new ArrayList<>();
      inv.path("lines").forEach(l -> lines.add(l.path("description").asText().replaceAll(" \\(20.*\\)$", "")
          + " | " + l.path("quantity").asLong() + " | " + l.path("amount").asText()));
      // by hand: 30.00 x 10/31 = 9.677 -> 9.68; 100 x 0.01 = 1.00; 90.00 x 21/31 = 60.968 -> 60.97; 200 x 0.005 = 1.00
      assertThat(lines).containsExactly(
          "plan basic fee | 1 | 9.68",
          "summary (calls on basic) | 100 | 1.00",
          "plan pro fee | 1 | 60.97",
          "summary (calls on pro) | 200 | 1.00");
      assertThat(inv.path("total").asText()).isEqualTo("72.65");
      assertThat(inv.path("currency").asText()).isEqualTo("USD");
      assertThat(inv.path("status").asText()).isEqualTo("draft");
      assertThat(inv.path("number").isNull()).isTrue();
      assertThat(inv.path("amount_due").asText()).isEqualTo("72.65");
      assertThat(inv.path("lines").get(0).path("kind").asText()).isEqualTo("fee");
      assertThat(inv.path("lines").get(1).path("kind").asText()).isEqualTo("usage");
      assertThat(inv.path("lines").get(1).path("operation").asText()).isEqualTo("summary");
      assertThat(inv.path("lines").get(1).path("unit").asText()).isEqualTo("calls");
      assertThat(inv.path("lines").get(1).path("plan").asText()).isEqualTo("basic");
      assertThat(inv.path("customer_id").asText()).isEqualTo("acme");
      assertThat(inv.path("period_start").asText()).isEqualTo("2026-03-01T00:00:00Z");
      ManagementApi.Response text = raw(m, "GET", "/monetize/invoices/" + number, Map.of("format", "text"), k, "");
      assertThat(text.contentType()).startsWith("text/plain");
      assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("Draft invoice")
          .contains("summary (calls on pro)").containsPattern("Total +72\\.65 USD");
      ManagementApi.Response html = raw(m, "GET", "/monetize/invoices/" + number, Map.of("format", "html"), k, "");
      assertThat(html.contentType()).startsWith("text/html");
      assertThat(new String(html.body(), StandardCharsets.UTF_8)).contains("<td>plan pro fee (")
          .contains("<b>72.65 USD</b>");
      api(m, "GET", "/monetize/invoices/" + number, Map.of("format", "pdf"), k, "", 400);
    }
  }

  @Test
  void movingBackToAPlanBillsItsCallsOnce() throws Exception {
    try (Monetize m = monetize()) {
      IssuedKey k = key(m, "acme", "basic");
      time.set(Instant.parse("2026-03-02T00:00:00Z"));
      calls(m, summary, k, 10);
      time.set(Instant.parse("2026-03-11T00:00:00Z"));
      m.customers().save(new Customer("acme", "pro", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      calls(m, summary, k, 20);
      time.set(Instant.parse("2026-03-21T00:00:00Z"));
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      calls(m, summary, k, 30);
      JsonNode inv = api(m, "GET", "/monetize/invoices/draft", Map.of(), k, "", 200);
      // each part bills the calls made in it: the engine's ledger is cut at every plan change
      assertThat(inv.path("lines")).filteredOn(l -> l.path("description").asText().startsWith("summary"))
          .extracting(l -> l.path("description").asText() + " | " + l.path("quantity").asLong())
          .containsExactly("summary (calls on basic) | 10", "summary (calls on pro) | 20",
              "summary (calls on basic) | 30");
      // fees: basic 10/31 + 11/31 of 30.00, pro 10/31 of 90.00
      assertThat(inv.path("lines")).filteredOn(l -> l.path("description").asText().startsWith("plan "))
          .extracting(l -> l.path("amount").asText()).containsExactly("9.68", "29.03", "10.65");
    }
  }

  /**
   * A chunked body past the operation's limit is refused by Monetize once the endpoint has read past
   * it: the call is billed (the endpoint may have worked on what it read), unlike a body refused by
   * its announced length before admission.
   */
  @Test
  void aBodyRefusedWhileTheEndpointReadsItIsBilledAsTheCallItWas() throws Exception {
    Operation ingest = Operation.builder("ingest", "POST", "/v1/events").maxBodyBytes(100).build();
    Plan payg = plan("payg", 1).prepaid(true).price("ingest", Price.of("0.25", "USD", "call")).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(payg).operation(ingest).build())
        .timeSource(time).build()) {
      IssuedKey k = key(m, "acme", "payg");
      m.wallet().topUp("acme", new BigDecimal("1.00"), "order-1", "");
      Admission a = m.admit(ingest, ApiRequest.of("POST", "/v1/events", "10.0.0.1", "r1", "Bearer " + k.secret(), null));
      assertThat(a.decision().admitted()).isTrue();
      a.readBody(60);
      assertThatThrownBy(() -> a.readBody(60)).isInstanceOf(dev.monetize.http.BodyTooLargeException.class);
      a.complete(413, 250);

      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.75");
      JsonNode inv = api(m, "GET", "/monetize/invoices/draft", Map.of(), k, "", 200);
      assertThat(inv.path("lines")).filteredOn(l -> l.path("description").asText().startsWith("ingest"))
          .extracting(l -> l.path("quantity").asLong()).containsExactly(1L);
    }
  }

  /**
   * A call in flight while the plan changes bills in the part where it completes: the wallet follows.
   * Admitted on postpaid basic and completed on prepaid payg, it is paid from credits; admitted on payg
   * (paid then) and completed on basic, its price comes back and the invoice bills it on basic. A call
   * completing on the plan that admitted it is not touched.
   */
  @Test
  void aCallInFlightAcrossAPlanChangeIsPaidOnceByThePlanItIsBilledOn() throws Exception {
    try (Monetize m = monetize()) {
      IssuedKey k = key(m, "acme", "basic");
      m.wallet().topUp("acme", new BigDecimal("1.00"), "order-1", "");
      time.set(Instant.parse("2026-03-02T00:00:00Z"));
      Admission onBasic = admit(m, k, "r1");
      time.set(Instant.parse("2026-03-10T00:00:00Z"));
      m.customers().save(new Customer("acme", "payg", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      onBasic.complete(200, 10);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.75"); // paid by the plan it is billed on

      Admission onPayg = admit(m, k, "r2");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.50");
      Admission stays = admit(m, k, "r3");
      stays.complete(200, 10);
      time.set(Instant.parse("2026-03-20T00:00:00Z"));
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      onPayg.complete(200, 10);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.50"); // r2's price back, r3's kept

      JsonNode inv = api(m, "GET", "/monetize/invoices/draft", Map.of(), k, "", 200);
      assertThat(inv.path("lines")).filteredOn(l -> l.path("description").asText().startsWith("summary")
              || l.path("description").asText().startsWith("paid from credits"))
          .extracting(l -> l.path("description").asText() + " | " + l.path("quantity").asLong() + " | "
              + l.path("amount").asText())
          .containsExactly("summary (calls on payg) | 2 | 0.50", "paid from credits on payg | 2 | -0.50",
              "summary (calls on basic) | 1 | 0.01");
    }
  }

  private Admission admit(Monetize m, IssuedKey k, String requestId) {
    Admission a = m.admit(summary,
        ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", requestId, "Bearer " + k.secret(), null));
    assertThat(a.decision().admitted()).isTrue();
    return a;
  }

  @Test
  void aWholePeriodOnOnePlanIsTheFullFee() throws Exception {
    try (Monetize m = monetize()) {
      IssuedKey k = key(m, "acme", "basic");
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "Acme Inc")); // no plan change
      time.set(Instant.parse("2026-03-15T00:00:00Z"));
      calls(m, summary, k, 3);
      JsonNode inv = api(m, "GET", "/monetize/invoices/draft", Map.of(), k, "", 200);
      assertThat(inv.path("lines")).hasSize(2);
      assertThat(inv.path("lines").get(0).path("description").asText()).isEqualTo("plan basic fee");
      assertThat(inv.path("lines").get(0).path("amount").asText()).isEqualTo("30.00");
      assertThat(inv.path("lines").get(1).path("description").asText()).isEqualTo("summary (calls)");
      assertThat(inv.path("total").asText()).isEqualTo("30.03");
    }
  }

  @Test
  void thePricingPageShowsEachPlansFee() {
    try (Monetize m = monetize()) {
      String html = dev.monetize.docs.PricingPage.html(m.catalog(), "Pricing");
      assertThat(html).contains("Fee").contains("30.00 USD per billing period")
          .contains("90.00 USD per billing period").contains("none");
    }
  }
}
