package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management API over a real socket, as a client that announces a body and does not send it: a
 * caller refused whatever its body is answered before the body is read (it never holds a server
 * thread waiting for it), and a body that stops half-way is a problem, not the container's page.
 */
class ManagementBodyTest {
  private final InMemoryAuditSink audit = AuditSink.inMemory();
  private Monetize monetize;
  private FilteredJetty jetty;
  private IssuedKey admin;

  @BeforeEach
  void start() throws Exception {
    monetize = Monetize.builder().catalog(Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(10_000)).scopes("*")
            .build())
        .operation(Operation.builder("stats", "GET", "/v1/stats").build()).build())
        .auditSink(audit).build();
    monetize.customers().save(Customer.of("acme", "basic"));
    admin = monetize.keys().issue("acme", Set.of("*"));
    jetty = FilteredJetty.start(new MonetizeFilter(monetize), Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    jetty.close();
    monetize.close();
  }

  /** Sends {@code head} and {@code bodyPart}, keeps the connection open, and reads the whole answer. */
  private String exchange(String head, String bodyPart, boolean endInput) throws Exception {
    return exchange(head, bodyPart, endInput, "}");
  }

  /** {@link #exchange(String, String, boolean)}, the answer complete once it ends with {@code last}. */
  private String exchange(String head, String bodyPart, boolean endInput, String last) throws Exception {
    URI base = URI.create(jetty.base());
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write((head + "\r\n" + bodyPart).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (endInput) {
        s.shutdownOutput(); // the client is gone before the body it announced is complete
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) {
        answer.write(buf, 0, n);
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        if (text.contains("\r\n\r\n") && text.trim().endsWith(last)) {
          break; // the problem's JSON is complete: the server answered without the rest of the body
        }
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String post(String authorization, long contentLength) {
    return "POST /monetize/keys HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "Content-Length: " + contentLength + "\r\n";
  }

  @Test
  void aCallerWithoutAValidCredentialIsAnsweredBeforeTheBodyItAnnouncedArrives() throws Exception {
    // had the server waited for the 60,000 bytes, its answer would be the body's, not the credential's
    String none = exchange(post(null, 60_000), "{\"", false);
    assertThat(none).startsWith("HTTP/1.1 401").contains("application/problem+json").contains("\"key_missing\"");
    String wrong = exchange(post("Bearer mk_live_notakeyatall", 60_000), "{\"", false);
    assertThat(wrong).startsWith("HTTP/1.1 401").contains("\"key_invalid\"");
    // answered, audited and counted once each, as handle answers them
    monetize.flushAudit();
    assertThat(audit.events()).filteredOn(e -> e.status() == 401).hasSize(2);
    assertThat(monetize.metrics().malformedKeyRefusals()).isEqualTo(1);
  }

  @Test
  void aPageAnyoneMayReadIsAnsweredWithoutWaitingForABodyItAnnounced() throws Exception {
    // had the server waited for the 60,000 bytes, the client would get no page before the idle timeout
    String page = exchange("GET /monetize/dashboard HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60000\r\n", "{\"",
        false, "</html>");
    assertThat(page).startsWith("HTTP/1.1 200").contains("Connection: close");
    String usage = exchange("GET /monetize/usage HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + admin.secret() + "\r\nContent-Length: 60000\r\n", "{\"", false, "}");
    assertThat(usage).startsWith("HTTP/1.1 200");
  }

  @Test
  void aBodyDeclaredLargerThanTheLimitIsRefusedUnread() throws Exception {
    String answer = exchange(post("Bearer " + admin.secret(), 99_999_999_999L), "{}", false);
    assertThat(answer).startsWith("HTTP/1.1 413").contains("\"payload_too_large\"");
  }

  @Test
  void aBodyThatStopsHalfWayIsABadRequestProblem() throws Exception {
    String answer = exchange(post("Bearer " + admin.secret(), 200), "{\"organization_id\":", true);
    assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json")
        .contains("could not be read to its end").doesNotContain("Exception");
  }

  @Test
  void aCredentialHeaderSentTwiceIsRefusedWhereverTheEngineReadsIt() throws Exception {
    IssuedKey other = monetize.keys().issue("acme", Set.of("stats:read"));
    for (String target : new String[] {"GET /monetize/usage", "GET /v1/stats"}) {
      for (String header : new String[] {"Authorization: Bearer ", "X-API-Key: "}) {
        String answer = exchange(target + " HTTP/1.1\r\nHost: localhost\r\n" + header + admin.secret() + "\r\n"
            + header + other.secret() + "\r\n", "", false);
        assertThat(answer).as(target + " " + header).startsWith("HTTP/1.1 400").contains("\"bad_request\"")
            .contains("Send one " + header.substring(0, header.indexOf(':')) + " header");
      }
    }
  }

  @Test
  void aValidCallerStillHasItsBodyRead() throws Exception {
    String body = "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}";
    String answer = exchange(post("Bearer " + admin.secret(), body.length()), body, false);
    assertThat(answer).startsWith("HTTP/1.1 201").contains("\"secret\"");
  }
}
