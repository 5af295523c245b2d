package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.management.ManagementApi;
import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.SecretHasher;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A whole key lifecycle over HTTP (create, use, misuse, mint a token, rotate, revoke), with every
 * log line, audit event, exception and error body captured: no secret, token or hash appears in
 * any of them. Only the create and rotate answers carry a secret, once.
 */
class SecretsNeverLeakTest {
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> bodies = new ArrayList<>();

  private HttpResponse<String> call(FilteredJetty jetty, String method, String path, String key, String body)
      throws Exception {
    HttpResponse<String> r = jetty.call(method, path, key, body);
    bodies.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
    return r;
  }

  @Test
  void noSecretEverAppearsOutsideTheOneAnswerThatIssuesIt() throws Exception {
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    InMemoryAuditSink audit = AuditSink.inMemory();
    AuditSink logging = AuditSink.logging();
    List<String> secrets = new ArrayList<>();
    List<String> issuing = new ArrayList<>();
    System.setErr(capture);
    System.setOut(capture);
    FilteredJetty jetty = null;
    Monetize monetize = null;
    try {
      Catalog catalog = Catalog.builder()
          .plan(Plan.builder("basic").rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1000)).build())
          .operation(Operation.builder("stats", "GET", "/stats").scope("stats:read").build())
          .operation(Operation.builder("boom", "GET", "/boom").scope("stats:read").build())
          .build();
      monetize = Monetize.builder().catalog(catalog).environment(KeyEnvironment.TEST)
          .auditSink(batch -> {
            logging.accept(batch);
            audit.accept(batch);
          }).build();
      monetize.customers().save(Customer.of("ops", "basic"));
      String operator = monetize.keys().issueOperatorKey("ops").secret();
      secrets.add(operator);
      jetty = FilteredJetty.start(new MonetizeFilter(monetize), Map.of("/stats", FilteredJetty.text("ok"),
          "/boom", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
              // an application that puts the caller's credential in an exception message
              throw new IllegalStateException("failed for " + req.getHeader("Authorization"));
            }
          }));

      String org = json.readTree(call(jetty, "POST", "/monetize/organizations", operator,
          "{\"name\":\"Acme\",\"plan\":\"basic\"}").body()).get("id").asText();
      HttpResponse<String> created = call(jetty, "POST", "/monetize/keys", operator,
          "{\"organization_id\":\"" + org + "\",\"scopes\":[\"stats:read\"]}");
      issuing.add(created.body());
      JsonNode key = json.readTree(created.body());
      String s1 = key.get("secret").asText();
      secrets.add(s1);
      call(jetty, "GET", "/stats", s1, null);
      call(jetty, "GET", "/boom", s1, null);
      call(jetty, "GET", "/stats", s1.substring(0, s1.length() - 1) + (s1.endsWith("a") ? "b" : "a"), null);
      call(jetty, "GET", "/stats", "mk_live_" + s1.substring(8), null);
      HttpResponse<String> token = call(jetty, "POST", "/monetize/tokens", s1, "{}");
      String t = json.readTree(token.body()).get("token").asText();
      issuing.add(token.body());
      secrets.add(t);
      call(jetty, "GET", "/stats", t, null);
      call(jetty, "GET", "/stats", t.substring(0, t.length() - 3) + "abc", null);
      HttpResponse<String> rotated = call(jetty, "POST", "/monetize/keys/" + key.get("id").asText() + "/rotate",
          operator, "{\"overlap_seconds\":0}");
      issuing.add(rotated.body());
      String s2 = json.readTree(rotated.body()).get("secret").asText();
      secrets.add(s2);
      call(jetty, "GET", "/stats", s1, null);
      call(jetty, "GET", "/stats", s2, null);
      call(jetty, "POST", "/monetize/keys/" + key.get("id").asText() + "/revoke", operator, null);
      call(jetty, "GET", "/stats", s2, null);
      call(jetty, "GET", "/stats", t, null);
      call(jetty, "GET", "/monetize/keys?organization_id=" + org, operator, null);
      call(jetty, "GET", "/monetize/keys/" + key.get("id").asText(), operator, null);
      monetize.flushAudit();
    } finally {
      if (jetty != null) {
        jetty.close();
      }
      if (monetize != null) {
        monetize.close();
      }
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    String events = audit.events().toString();
    assertThat(logs).as("the scenario logged something, audit lines included").contains("request")
        .contains("\"request_id\"");
    assertThat(audit.events()).hasSizeGreaterThan(10);
    List<String> answers = new ArrayList<>(bodies);
    answers.removeIf(b -> issuing.stream().anyMatch(b::contains));
    SecretHasher sha = SecretHasher.sha256();
    for (String secret : secrets) {
      String hash = sha.hash(secret);
      assertThat(logs).as("logs").doesNotContain(secret).doesNotContain(hash);
      assertThat(events).as("audit events").doesNotContain(secret).doesNotContain(hash);
      assertThat(String.join("\n", answers)).as("answers").doesNotContain(secret).doesNotContain(hash);
    }
    // each secret is in exactly one issuing answer
    for (String secret : secrets.subList(1, secrets.size())) {
      assertThat(issuing.stream().filter(b -> b.contains(secret)).count()).isEqualTo(1);
    }
  }
}
