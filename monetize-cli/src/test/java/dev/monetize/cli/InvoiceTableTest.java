package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invoices computed by hand, checked twice: through the CLI (a plans file and usage lines) and
 * through the engine (the same plans, the same usage made as calls at the same instants, the draft
 * read from {@code /monetize/invoices/draft}). Both must print exactly the expected lines.
 */
class InvoiceTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAY = "2026-03-01T00:00:00Z";

  @TempDir
  Path dir;

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("every model of pro over a whole month, and the minimum", "2026-03-20T00:00:00Z", List.of(
            customer("pro", 1, "UTC", "2026-02-01T00:00:00Z"),
            usage("summary", "2026-03-05T10:00:00Z", "\"calls\":12000,\"bytes_out\":2147483648"),
            usage("export", "2026-03-06T10:00:00Z", "\"calls\":101,\"rows_scanned\":1000000")),
            List.of("plan pro fee | 1 | 90.00",
                "export (calls) | 101 | 10.00", // 2 started packages of 100
                "export (rows_scanned) | 1000000 | 3.00", // 1.00 flat + 1,000,000 x 0.000002
                "summary (calls) | 12000 | 20.00", // 1,000 free, 9,000 x 0.002, 2,000 x 0.001
                "summary (bytes_out) | 2147483648 | 0.18", // 2 GiB x 0.09
                "minimum commitment of pro | 1 | 16.82"), // 50.00 - 33.18
            "140.00", "140.00"),
        Arguments.of("at the tier bounds: a whole package, the volume tier just passed", "2026-03-20T00:00:00Z", List.of(
            customer("pro", 1, "UTC", "2026-02-01T00:00:00Z"),
            usage("summary", "2026-03-05T10:00:00Z", "\"calls\":10000"),
            usage("export", "2026-03-06T10:00:00Z", "\"calls\":100,\"rows_scanned\":1000001")),
            List.of("plan pro fee | 1 | 90.00",
                "export (calls) | 100 | 5.00", // exactly one package
                "export (rows_scanned) | 1000001 | 1.00", // past the bound: every row at 0.000001, no flat fee
                "summary (calls) | 10000 | 18.00", // 9,000 x 0.002, the tier bound counts the included calls
                "minimum commitment of pro | 1 | 26.00"),
            "140.00", "140.00"),
        Arguments.of("within the included calls", "2026-03-20T00:00:00Z", List.of(
            customer("pro", 1, "UTC", "2026-02-01T00:00:00Z"),
            usage("summary", "2026-03-05T10:00:00Z", "\"calls\":1000")),
            List.of("plan pro fee | 1 | 90.00", "summary (calls) | 1000 | 0.00",
                "minimum commitment of pro | 1 | 50.00"),
            "140.00", "140.00"),
        Arguments.of("nothing used: the fee and the whole minimum", "2026-03-20T00:00:00Z", List.of(
            customer("pro", 1, "UTC", "2026-02-01T00:00:00Z")),
            List.of("plan pro fee | 1 | 90.00", "minimum commitment of pro | 1 | 50.00"), "140.00", "140.00"),
        Arguments.of("a plan change on March 11: fees and the minimum prorated by seconds", "2026-03-20T00:00:00Z",
            List.of(customer("basic", 1, "UTC", "2026-01-01T00:00:00Z"),
                usage("summary", "2026-03-05T10:00:00Z", "\"calls\":100"),
                change("pro", "2026-03-11T00:00:00Z"),
                usage("summary", "2026-03-20T00:00:00Z", "\"calls\":200")),
            List.of("plan basic fee (2026-03-01T00:00:00Z to 2026-03-11T00:00:00Z) | 1 | 9.68", // 30 x 10/31
                "summary (calls on basic) | 100 | 1.00",
                "plan pro fee (2026-03-11T00:00:00Z to 2026-04-01T00:00:00Z) | 1 | 60.97", // 90 x 21/31
                "summary (calls on pro) | 200 | 0.00", // within the 1,000 included
                "minimum commitment of pro (2026-03-11T00:00:00Z to 2026-04-01T00:00:00Z) | 1 | 33.87"),
            "105.52", "105.52"),
        Arguments.of("billing day 31 in February: 28 days, cut in half", "2027-02-20T00:00:00Z", List.of(
            customer("basic", 31, "UTC", "2027-01-01T00:00:00Z"),
            change("pro", "2027-02-14T00:00:00Z")),
            List.of("plan basic fee (2027-01-31T00:00:00Z to 2027-02-14T00:00:00Z) | 1 | 15.00",
                "plan pro fee (2027-02-14T00:00:00Z to 2027-02-28T00:00:00Z) | 1 | 45.00",
                "minimum commitment of pro (2027-02-14T00:00:00Z to 2027-02-28T00:00:00Z) | 1 | 25.00"),
            "85.00", "85.00"),
        Arguments.of("a daylight-saving month in New York: 743 hours", "2026-03-20T00:00:00Z", List.of(
            customer("basic", 1, "America/New_York", "2026-01-01T00:00:00Z"),
            change("pro", "2026-03-16T04:00:00Z")),
            List.of("plan basic fee (2026-03-01T05:00:00Z to 2026-03-16T04:00:00Z) | 1 | 14.50", // 30 x 359/743
                "plan pro fee (2026-03-16T04:00:00Z to 2026-04-01T04:00:00Z) | 1 | 46.51", // 90 x 384/743
                "minimum commitment of pro (2026-03-16T04:00:00Z to 2026-04-01T04:00:00Z) | 1 | 25.84"),
            "86.85", "86.85"),
        Arguments.of("yen have no minor unit", "2026-03-20T00:00:00Z", List.of(
            customer("yen", 1, "UTC", "2026-02-01T00:00:00Z"),
            usage("summary", "2026-03-05T10:00:00Z", "\"calls\":3")),
            List.of("plan yen fee | 1 | 3000", "summary (calls) | 3 | 2"), "3002", "3002"), // 1.5 -> 2, half even
        Arguments.of("dinars have three", "2026-03-20T00:00:00Z", List.of(
            customer("dinar", 1, "UTC", "2026-02-01T00:00:00Z"),
            usage("summary", "2026-03-05T10:00:00Z", "\"calls\":1001")),
            List.of("plan dinar fee | 1 | 9.000", "summary (calls) | 1001 | 1.502"), "10.502", "10.502"), // 1.5015
        Arguments.of("prepaid calls are billed and paid from credits", "2026-03-20T00:00:00Z", List.of(
            customer("wallet", 1, "UTC", "2026-02-01T00:00:00Z"),
            usage("summary", "2026-03-05T10:00:00Z", "\"calls\":1000")),
            List.of("summary (calls) | 1000 | 2.00", "paid from credits | 1000 | -2.00"), "2.00", "0.00"));
  }

  private static String customer(String plan, int day, String zone, String since) {
    return "{\"kind\":\"customer\",\"customer_id\":\"acme\",\"plan\":\"" + plan + "\",\"billing_day\":" + day
        + ",\"time_zone\":\"" + zone + "\",\"since\":\"" + since + "\"}";
  }

  private static String change(String plan, String at) {
    return "{\"kind\":\"plan_change\",\"customer_id\":\"acme\",\"plan\":\"" + plan + "\",\"at\":\"" + at + "\"}";
  }

  private static String usage(String op, String at, String units) {
    return "{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"" + op + "\",\"at\":\"" + at
        + "\",\"units\":{" + units + "}}";
  }

  static Path plansFile() throws URISyntaxException {
    return Path.of(InvoiceTableTest.class.getResource("/billing-plans.yaml").toURI());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void theCliPrintsTheHandComputedInvoice(String name, String at, List<String> usage, List<String> lines,
      String total, String due) throws Exception {
    Path file = dir.resolve("usage.jsonl");
    Files.write(file, usage);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MonetizeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "invoice", "--plans",
        plansFile().toString(), "--usage", file.toString(), "--customer", "acme", "--at", at);
    assertThat(code).as(err.toString()).isZero();
    JsonNode inv = JSON.readTree(out.toString());
    assertThat(lines(inv)).containsExactlyElementsOf(lines);
    assertThat(inv.path("total").asText()).isEqualTo(total);
    assertThat(inv.path("amount_due").asText()).isEqualTo(due);
    assertThat(inv.path("number").isNull()).isTrue();
    assertThat(inv.path("customer_id").asText()).isEqualTo("acme");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void theEngineBillsTheSameUsageTheSame(String name, String at, List<String> usage, List<String> lines,
      String total, String due) throws Exception {
    Catalog catalog = CatalogLoader.load(plansFile());
    ManualTimeSource time = ManualTimeSource.at(Instant.parse(DAY));
    try (Monetize m = Monetize.builder().catalog(catalog).timeSource(time)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      IssuedKey key = null;
      BillingAnchor anchor = null;
      for (String line : usage) {
        JsonNode l = JSON.readTree(line);
        switch (l.path("kind").asText()) {
          case "customer" -> {
            time.set(Instant.parse(l.path("since").asText()));
            anchor = BillingAnchor.of(l.path("billing_day").asInt(), ZoneId.of(l.path("time_zone").asText()));
            m.customers().save(new Customer("acme", l.path("plan").asText(), anchor, "Acme"));
            key = m.keys().issue("acme", Set.of("*"));
            if (catalog.plan(l.path("plan").asText()).orElseThrow().prepaid()) {
              m.wallet().topUp("acme", new BigDecimal("100"), "first", "");
            }
          }
          case "plan_change" -> {
            time.set(Instant.parse(l.path("at").asText()));
            m.customers().save(new Customer("acme", l.path("plan").asText(), anchor, "Acme"));
          }
          default -> {
            time.set(Instant.parse(l.path("at").asText()));
            call(m, catalog.operation(l.path("operation").asText()).orElseThrow(), key, l.path("units"));
          }
        }
      }
      time.set(Instant.parse(at));
      ManagementApi.Response r = m.managementApi().handle(new ManagementApi.Request("GET", "/monetize/invoices/draft",
          Map.of(), Optional.of("Bearer " + key.secret()), Optional.empty(), new byte[0], "10.0.0.9", "req"));
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertThat(r.status()).as(body).isEqualTo(200);
      JsonNode inv = JSON.readTree(body);
      assertThat(lines(inv)).containsExactlyElementsOf(lines);
      assertThat(inv.path("total").asText()).isEqualTo(total);
      assertThat(inv.path("amount_due").asText()).isEqualTo(due);
    }
  }

  /** The calls of one usage line: every unit but calls is reported by the first call. */
  private static void call(Monetize m, Operation op, IssuedKey key, JsonNode units) {
    long calls = units.path("calls").asLong();
    for (long i = 0; i < calls; i++) {
      Admission a = m.admit(op, ApiRequest.of(op.method(), op.pathTemplate(), "10.0.0.1", "r" + i,
          "Bearer " + key.secret(), null));
      assertThat(a.decision().admitted()).isTrue();
      long bytesOut = 0;
      if (i == 0) {
        bytesOut = units.path("bytes_out").asLong();
        units.fields().forEachRemaining(u -> {
          if (!u.getKey().equals("calls") && !u.getKey().equals("bytes_out")) {
            a.reportUsage(u.getKey(), u.getValue().asLong());
          }
        });
      }
      a.complete(200, bytesOut);
    }
  }

  private static List<String> lines(JsonNode inv) {
    List<String> out = new ArrayList<>();
    inv.path("lines").forEach(l -> out.add(l.path("description").asText() + " | " + l.path("quantity").asLong() + " | "
        + l.path("amount").asText()));
    return out;
  }
}
