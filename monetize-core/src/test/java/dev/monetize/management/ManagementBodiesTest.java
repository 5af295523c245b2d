package dev.monetize.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request bodies of the management API are bound strictly: unknown fields, wrong types, coercions
 * and trailing garbage are refused with a 400 problem naming the field, and no body a caller can
 * send ends in a 500.
 */
class ManagementBodiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Monetize monetize = Monetize.builder()
      .catalog(Catalog.builder()
          .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000))
              .scopes("*").build())
          .operation(Operation.builder("stats", "GET", "/stats").scope("stats:read").build()).build())
      .managementLimits(ManagementLimits.custom().perKey(ManagementLimits.unlimited())
          .perOrganization(ManagementLimits.unlimited()).build())
      .build();
  private final IssuedKey operator;

  ManagementBodiesTest() {
    monetize.customers().save(Customer.of("acme", "pro"));
    monetize.customers().save(Customer.of("ops", "pro"));
    operator = monetize.keys().issueOperatorKey("ops");
  }

  @AfterEach
  @AfterProperty
  void close() {
    monetize.close();
  }

  private ManagementApi.Response post(String path, String body) {
    return monetize.managementApi().handle(new ManagementApi.Request("POST", "/monetize" + path, Map.of(),
        Optional.of("Bearer " + operator.secret()), Optional.empty(), body.getBytes(StandardCharsets.UTF_8),
        "10.0.0.9", "req-1"));
  }

  private JsonNode problem(ManagementApi.Response r) throws Exception {
    assertThat(r.contentType()).isEqualTo("application/problem+json");
    return JSON.readTree(r.body());
  }

  @Test
  void aWellFormedBodyIsBound() throws Exception {
    ManagementApi.Response r = post("/organizations", "{\"id\":\"globex\",\"name\":\"Globex\",\"plan\":\"pro\",\"billing_day\":15}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode org = JSON.readTree(r.body());
    assertThat(org.path("id").asText()).isEqualTo("globex");
    assertThat(org.path("billing_day").asLong()).isEqualTo(15);
  }

  @Test
  void anUnknownFieldIsNamedWithTheFieldsAllowed() throws Exception {
    ManagementApi.Response r = post("/organizations", "{\"id\":\"globex\",\"name\":\"Globex\",\"plan\":\"pro\",\"is_admin\":true}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).contains("Unknown field 'is_admin'").contains("billing_day");
    // a key has no name: one sent is refused, not kept nowhere
    ManagementApi.Response named = post("/keys", "{\"organization_id\":\"ops\",\"scopes\":[\"stats\"],\"name\":\"ci\"}");
    assertThat(named.status()).isEqualTo(400);
    assertThat(problem(named).path("detail").asText()).contains("Unknown field 'name'");
  }

  /** Text no store keeps as sent (a NUL, a lone surrogate PostgreSQL would keep as '?') is refused, naming the field. */
  @Test
  void textIsValidUnicodeWithoutControlCharacters() throws Exception {
    for (String bad : new String[] {"\\ud800", "Glo\\u0000bex", "a\\udc00b", "x\\u001b[31m"}) {
      ManagementApi.Response r = post("/organizations", "{\"name\":\"" + bad + "\",\"plan\":\"pro\"}");
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(problem(r).path("detail").asText()).as(bad).startsWith("name: ");
    }
    ManagementApi.Response fine = post("/organizations", "{\"name\":\"Globex \\ud83d\\ude80\\tGmbH\",\"plan\":\"pro\"}");
    assertThat(fine.status()).isEqualTo(201);
    assertThat(JSON.readTree(fine.body()).path("name").asText()).isEqualTo("Globex \ud83d\ude80\tGmbH");
  }

  @Test
  void aWrongTypeIsNamedWithWhatTheFieldTakes() throws Exception {
    ManagementApi.Response r = post("/organizations", "{\"id\":\"globex\",\"name\":\"Globex\",\"plan\":\"pro\",\"billing_day\":\"15\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).isEqualTo("billing_day: a whole number from 1 to 31.");
    assertThat(post("/organizations", "{\"id\":\"globex\",\"name\":\"Globex\",\"plan\":\"pro\",\"billing_day\":15.5}").status())
        .isEqualTo(400);
    assertThat(post("/organizations", "{\"id\":[\"globex\"],\"plan\":\"pro\"}").status()).isEqualTo(400);
  }

  /** An id no URL could name ({@code /monetize/organizations/..} is the parent path to every client) is refused. */
  @Test
  void anOrganizationIdThatIsAPathSegmentOfItsOwnIsRefused() throws Exception {
    for (String id : new String[] {".", ".."}) {
      ManagementApi.Response r = post("/organizations", "{\"id\":\"" + id + "\",\"name\":\"Dots\",\"plan\":\"pro\"}");
      assertThat(r.status()).as(id).isEqualTo(400);
      assertThat(problem(r).path("detail").asText()).as(id).contains("path segment of its own");
    }
    assertThat(post("/organizations", "{\"id\":\"...\",\"name\":\"Dots\",\"plan\":\"pro\"}").status()).isEqualTo(201);
  }

  @Test
  void aNumberOrABooleanIsNoString() throws Exception {
    for (String name : new String[] {"5", "true", "1.5"}) {
      ManagementApi.Response r = post("/organizations", "{\"id\":\"globex\",\"name\":" + name + ",\"plan\":\"pro\"}");
      assertThat(r.status()).as(name).isEqualTo(400);
      assertThat(problem(r).path("detail").asText()).isEqualTo("name: a non-empty string.");
    }
    ManagementApi.Response r = post("/keys", "{\"organization_id\":\"acme\",\"scopes\":[1]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).startsWith("scopes: ");
  }

  @Test
  void aFieldGivenTwiceIsRefused() throws Exception {
    ManagementApi.Response r = post("/credits", "{\"customer_id\":\"acme\",\"amount\":\"5\",\"amount\":\"-99999\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).isEqualTo("Field 'amount' is given twice.");
  }

  @Test
  void brokenOrOverNestedJsonIsNotBlamedOnAField() throws Exception {
    ManagementApi.Response r = post("/organizations", "{\"id\":\"g\",\"name\":\"abc}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).isEqualTo("The body is not valid JSON.");
    String deep = "[".repeat(3000) + "]".repeat(3000);
    r = post("/keys", "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":" + deep + "}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).contains("nested too deeply");
    byte[] latin1 = "{\"id\":\"g\",\"name\":\"L1\u00e9\",\"plan\":\"pro\"}".getBytes(StandardCharsets.ISO_8859_1);
    r = monetize.managementApi().handle(new ManagementApi.Request("POST", "/monetize/organizations", Map.of(),
        Optional.of("Bearer " + operator.secret()), Optional.empty(), latin1, "10.0.0.9", "req-2"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).isEqualTo("The body is not UTF-8 text.");
    // UTF-16 and UTF-32, which the JSON parser would recognize by their zero bytes and a proxy reading UTF-8 cannot inspect
    for (java.nio.charset.Charset wide : java.util.List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
        java.nio.charset.Charset.forName("UTF-32BE"))) {
      byte[] body = "{\"id\":\"g16\",\"name\":\"G\",\"plan\":\"pro\"}".getBytes(wide);
      r = monetize.managementApi().handle(new ManagementApi.Request("POST", "/monetize/organizations", Map.of(),
          Optional.of("Bearer " + operator.secret()), Optional.empty(), body, "10.0.0.9", "req-3"));
      assertThat(r.status()).as(wide.name()).isEqualTo(400);
      assertThat(problem(r).path("detail").asText()).isEqualTo("The body is not valid JSON.");
    }
    byte[] bom = "\uFEFF{\"id\":\"gbom\",\"name\":\"G\",\"plan\":\"pro\"}".getBytes(StandardCharsets.UTF_8);
    r = monetize.managementApi().handle(new ManagementApi.Request("POST", "/monetize/organizations", Map.of(),
        Optional.of("Bearer " + operator.secret()), Optional.empty(), bom, "10.0.0.9", "req-4"));
    assertThat(r.status()).as("UTF-8 with a byte order mark").isEqualTo(201);
  }

  @Test
  void bodiesThatAreNotOneJsonObjectAreRefused() throws Exception {
    for (String body : new String[] {"[]", "\"x\"", "42", "null", "{", "{\"id\":\"a\"} {}", "{\"id\":\"a\"}x"}) {
      ManagementApi.Response r = post("/organizations", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(problem(r).path("code").asText()).as(body).isEqualTo("bad_request");
    }
  }

  @Test
  void aRangeIsCheckedAfterBinding() throws Exception {
    ManagementApi.Response r = post("/organizations", "{\"id\":\"globex\",\"name\":\"Globex\",\"plan\":\"pro\",\"billing_day\":32}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).contains("billing_day");
  }

  @Test
  void aRotationOverlapPastTheMaximumIsRefusedNotShortened() throws Exception {
    String key = monetize.keys().issue("acme", java.util.Set.of("stats:read")).key().id();
    ManagementApi.Response r = post("/keys/" + key + "/rotate", "{\"overlap_seconds\":700000}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(problem(r).path("detail").asText()).isEqualTo("overlap_seconds: a whole number from 0 to 604800.");
    assertThat(monetize.keys().find(key).orElseThrow().previousValidUntil()).isEmpty(); // not rotated
    ManagementApi.Response longest = post("/keys/" + key + "/rotate", "{\"overlap_seconds\":604800}");
    assertThat(longest.status()).isEqualTo(200);
  }

  @Property(tries = 300)
  void noBodyEndsInAServerError(@ForAll("paths") String path, @ForAll("bodies") String body) throws Exception {
    ManagementApi.Response r = post(path, body);
    assertThat(r.status()).as(path + " " + body).isLessThan(500);
    if (r.status() >= 400) {
      assertThat(problem(r).path("code").asText()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/organizations", "/projects", "/keys", "/tokens", "/credits");
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> names = Arbitraries.of("id", "name", "plan", "billing_day", "time_zone", "organization_id",
        "project_id", "scopes", "expires_at", "environment", "limits", "customer_id", "amount", "ttl_seconds",
        "x", "");
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(s -> JSON.valueToTree(s).toString()),
        Arbitraries.longs().map(Object::toString),
        Arbitraries.doubles().map(Object::toString),
        Arbitraries.of("true", "null", "[]", "{}", "[\"stats:read\"]", "{\"rate\":-1}", "\"acme\"", "\"pro\"",
            "\"2027-01-01T00:00:00Z\"", "\"12.50\"", "1e400", "-0"));
    Arbitrary<String> field = Combinators.combine(names, values).as((n, v) -> "\"" + n + "\":" + v);
    return Arbitraries.oneOf(
        field.list().ofMaxSize(6).map(l -> "{" + String.join(",", l) + "}"),
        Arbitraries.strings().ofMaxLength(30));
  }
}
