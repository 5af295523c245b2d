package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.billing.internal.HttpPoster;
import dev.monetize.metering.UsageRecord;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook and Stripe delivery against a local HTTP server that checks the exact bytes; dead letters kept on disk. */
class DeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec_0123456789abcdef";
  private final UsageRecord first = new UsageRecord("acme", "key_1", "summary", 200, false,
      Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T10:00:01Z"), 3, 0, 120, 4_000, 0, Map.of());
  private final UsageRecord second = new UsageRecord("acme", "key_1", "export", 200, false,
      Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T10:00:01Z"), 1, 0, 0, 0, 0, Map.of());

  /** One request as the server received it. */
  record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  private org.eclipse.jetty.server.Server server;
  private org.eclipse.jetty.server.ServerConnector connector;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Integer> answers = new CopyOnWriteArrayList<>();
  private final AtomicInteger asked = new AtomicInteger();

  @TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    server = new org.eclipse.jetty.server.Server();
    connector = new org.eclipse.jetty.server.ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
          org.eclipse.jetty.util.Callback callback) throws Exception {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        request.getHeaders().forEach(f -> headers.put(f.getName(), List.of(f.getValue()))); // as sent, commas and all
        received.add(new Received(request.getMethod(), request.getHttpURI().getPathQuery(), Map.copyOf(headers),
            org.eclipse.jetty.io.Content.Source.asInputStream(request).readAllBytes()));
        int i = asked.getAndIncrement();
        int status = i < answers.size() ? answers.get(i) : 200;
        if (status == 302) {
          response.getHeaders().put("Location", "/elsewhere");
        }
        if (status == 599) { // no answer in time
          try {
            Thread.sleep(1_500);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          status = 200;
        }
        response.setStatus(status);
        response.write(true, java.nio.ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
  }

  private WebhookTransport webhook() {
    return WebhookTransport.builder(url("/usage"), SECRET).allowPrivateNetworks(true)
        .retries(3, Duration.ofMillis(10)).timeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void aBatchIsOneSignedCloudEventsPostRetriedWithTheSameIdempotencyKey() throws Exception {
    answers.add(503); // the first attempt fails: the same bytes come again
    UsageExport export = UsageExport.cloudEvents("https://api.example.com", webhook(), DeadLetterStore.inDirectory(dir));
    export.accept(List.of(first, second));
    assertThat(received).hasSize(2);
    Received r = received.get(1);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/usage");
    assertThat(r.header("Content-Type")).isEqualTo("application/cloudevents-batch+json");
    assertThat(r.body()).isEqualTo(received.get(0).body());
    assertThat(r.header("Idempotency-Key")).isEqualTo(received.get(0).header("Idempotency-Key")).hasSize(32);
    // the exact body: a JSON array of the two CloudEvents
    JsonNode batch = JSON.readTree(r.body());
    assertThat(batch).hasSize(2);
    assertThat(batch.get(0).path("specversion").asText()).isEqualTo("1.0");
    assertThat(batch.get(0).path("id").asText()).isEqualTo(UsageExport.eventId(first, "record"));
    assertThat(batch.get(1).path("id").asText()).isEqualTo(UsageExport.eventId(second, "record"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).startsWith("[{\"specversion\":\"1.0\",\"id\":\"");
    // the signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">, which the receiver recomputes
    String sig = r.header("Monetize-Signature");
    long t = Long.parseLong(sig.substring(2, sig.indexOf(',')));
    assertThat(sig).isEqualTo(WebhookTransport.signature(SECRET.getBytes(StandardCharsets.UTF_8), t, r.body()));
    assertThat(Math.abs(t - Instant.now().getEpochSecond())).isLessThan(300);
    assertThat(export.deadLetters()).isEmpty();
  }

  @Test
  void aRefusedBatchIsKeptOnDiskAndReplayedAndARefusedStoreRefusesTheBatch() throws Exception {
    answers.add(400); // not retried: the provider says the request is wrong
    UsageExport export = UsageExport.cloudEvents("svc", webhook(), DeadLetterStore.inDirectory(dir));
    export.accept(List.of(first, second));
    assertThat(received).hasSize(1);
    assertThat(export.deadLetters()).hasSize(2).allSatisfy(d -> assertThat(d.reason()).startsWith("answered 400"));
    // durable: another process finds them, and replays them once the provider takes them
    DeadLetterStore reopened = DeadLetterStore.inDirectory(dir);
    assertThat(reopened.list(10)).extracting(UsageExport.DeadLetter::id)
        .containsExactly(UsageExport.eventId(first, "record"), UsageExport.eventId(second, "record"));
    assertThat(UsageExport.replay(reopened, webhook(), UsageExport.Format.CLOUD_EVENTS)).isZero();
    assertThat(DeadLetterStore.inDirectory(dir).list(10)).isEmpty();
    assertThat(JSON.readTree(received.get(1).body())).hasSize(2);
    // a dead-letter store that cannot keep them: the batch is not accepted (the journal offers it again)
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    answers.add(400);
    answers.add(400);
    UsageExport broken = UsageExport.cloudEvents("svc", webhook(), DeadLetterStore.inDirectory(notADirectory));
    assertThatThrownBy(() -> broken.accept(List.of(first))).hasMessageContaining("cannot keep dead letters");
  }

  @Test
  void aFileWithALineThatIsNoLetterIsRefusedWholeAndNeverRewritten() throws Exception {
    String edited = "{\"id\":\"a\",\"event\":\"{}\",\"reason\":\"answered 503\"}\n{\"event\":\"{}\"}\n"
        + "{\"id\":\"\",\"event\":\"{}\"}\n";
    Files.writeString(dir.resolve("dead-letters.jsonl"), edited);
    DeadLetterStore store = DeadLetterStore.inDirectory(dir);
    assertThatThrownBy(() -> store.list(10)).hasMessageContaining("cannot read dead letters")
        .cause().hasMessage("dead-letters.jsonl line 2: not a dead letter (an object with the texts \"id\", "
            + "\"event\" and \"reason\" is expected)");
    assertThatThrownBy(() -> store.add(List.of(new UsageExport.DeadLetter("b", "{}", "answered 400"))))
        .hasMessageContaining("cannot keep dead letters");
    assertThatThrownBy(() -> store.remove(List.of("a"))).hasMessageContaining("cannot keep dead letters");
    assertThat(Files.readString(dir.resolve("dead-letters.jsonl"))).isEqualTo(edited); // nothing lost
  }

  @Test
  void twoProcessesOnOneDirectoryNeitherLoseNorResurrectALetter() {
    DeadLetterStore service = DeadLetterStore.inDirectory(dir);
    DeadLetterStore cli = DeadLetterStore.inDirectory(dir);
    service.add(List.of(new UsageExport.DeadLetter("a", "{}", "answered 503")));
    cli.remove(List.of("a")); // the CLI replayed it
    service.add(List.of(new UsageExport.DeadLetter("b", "{}", "answered 503")));
    assertThat(cli.list(10)).extracting(UsageExport.DeadLetter::id).containsExactly("b");
    assertThat(service.list(10)).extracting(UsageExport.DeadLetter::id).containsExactly("b");
  }

  @Test
  void redirectsAreNotFollowedPrivateAddressesAreRefusedAndEveryAttemptTimesOut() {
    answers.add(302);
    UsageExport export = UsageExport.cloudEvents("svc", webhook(), DeadLetterStore.inMemory());
    export.accept(List.of(first));
    assertThat(received).extracting(Received::path).containsExactly("/usage"); // never /elsewhere
    assertThat(export.deadLetters().get(0).reason()).contains("redirects are not followed");
    // without allowing private networks: refused before a byte is sent, and plain http is refused outright
    assertThatThrownBy(() -> WebhookTransport.builder(url("/usage"), SECRET).build())
        .hasMessageContaining("must be https");
    UsageExport guarded = UsageExport.cloudEvents("svc", WebhookTransport.builder(
        URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/usage"), SECRET).build(),
        DeadLetterStore.inMemory());
    guarded.accept(List.of(first));
    assertThat(received).hasSize(1);
    assertThat(guarded.deadLetters().get(0).reason()).contains("resolves to a private or local address 127.0.0.1");
    assertThat(HttpPoster.isPrivate(InetAddress.getLoopbackAddress())).isTrue();
    assertThatThrownBy(() -> WebhookTransport.builder(URI.create("https://evil.example/usage"), SECRET)
        .allowedHosts("billing.example.com").build()).hasMessageContaining("not in the allow-list");
    // a provider that does not answer in time
    answers.add(599);
    UsageExport slow = UsageExport.cloudEvents("svc", WebhookTransport.builder(url("/usage"), SECRET)
        .allowPrivateNetworks(true).timeout(Duration.ofMillis(200)).retries(1, Duration.ZERO).build(),
        DeadLetterStore.inMemory());
    slow.accept(List.of(first));
    assertThat(slow.deadLetters().get(0).reason()).contains("timed out");
  }

  /**
   * A receiver that answers {@code 200} and then sends its body a byte now and then (or never ends it)
   * holds nothing: the answer's head decides, its body is never read (it held the meter's flush, and
   * with it usage reports and shutdown, for as long as the body lasted).
   */
  @Test
  void aReceiverDrippingItsAnswersBodyHoldsNothing() throws Exception {
    try (java.net.ServerSocket drip = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      Thread receiver = new Thread(() -> {
        try (java.net.Socket s = drip.accept()) {
          java.io.InputStream in = s.getInputStream();
          byte[] buffer = new byte[8_192];
          String head = "";
          while (!head.contains("\r\n\r\n")) { // the request's head; its body is small and read with it
            int n = in.read(buffer);
            if (n < 0) {
              return;
            }
            head += new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
          }
          s.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          done.await(); // the rest of the body never comes while the test runs
        } catch (Exception e) {
          // the test is over
        }
      });
      receiver.start();
      try {
        UsageExport export = UsageExport.cloudEvents("svc", WebhookTransport.builder(
            URI.create("http://127.0.0.1:" + drip.getLocalPort() + "/usage"), SECRET).allowPrivateNetworks(true)
            .timeout(Duration.ofSeconds(30)).retries(1, Duration.ZERO).build(), DeadLetterStore.inMemory());
        java.util.concurrent.Future<?> accepted = java.util.concurrent.Executors.newSingleThreadExecutor()
            .submit(() -> export.accept(List.of(first)));
        accepted.get(20, java.util.concurrent.TimeUnit.SECONDS); // within the transport's own timeout: not waited out
        assertThat(export.deadLetters()).isEmpty(); // delivered: the head said 200
      } finally {
        done.countDown();
      }
    }
    assertThatThrownBy(() -> WebhookTransport.builder(url("/usage"), SECRET).allowPrivateNetworks(true)
        .retries(3, Duration.ofMillis(-5)).build()).hasMessageContaining("back-off");
  }

  @Test
  void stripeMeterEventsAreFormEncodedOnePostEachWithTheSecretKeyAndTheEventIdAsIdempotencyKey() {
    UsageExport export = UsageExport.stripe(c -> "cus_" + c, StripeTransport.builder("sk_test_abcdefgh12345678")
        .url(url("/v1/billing/meter_events")).allowPrivateNetworks(true).retries(2, Duration.ofMillis(10)).build(),
        DeadLetterStore.inMemory());
    export.accept(List.of(first));
    assertThat(received).hasSize(3); // calls, bytes_out, compute_ms
    Received calls = received.stream().filter(r -> new String(r.body(), StandardCharsets.UTF_8)
        .startsWith("event_name=summary.calls&")).findFirst().orElseThrow();
    String id = UsageExport.eventId(first, "calls");
    assertThat(new String(calls.body(), StandardCharsets.UTF_8)).isEqualTo("event_name=summary.calls"
        + "&payload%5Bstripe_customer_id%5D=cus_acme&payload%5Bvalue%5D=3&identifier=" + id
        + "&timestamp=" + first.to().minusNanos(1).getEpochSecond()); // the interval's last second
    assertThat(calls.path()).isEqualTo("/v1/billing/meter_events");
    assertThat(calls.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(calls.header("Authorization")).isEqualTo("Bearer sk_test_abcdefgh12345678");
    assertThat(calls.header("Idempotency-Key")).isEqualTo(id);
    assertThat(export.deadLetters()).isEmpty();
    assertThatThrownBy(() -> StripeTransport.builder("pk_live_nope")).hasMessageContaining("sk_ or rk_");
  }

  private StripeTransport stripeTransport() {
    return StripeTransport.builder("sk_test_abcdefgh12345678").url(url("/v1/billing/meter_events"))
        .allowPrivateNetworks(true).retries(1, Duration.ZERO).build();
  }

  /**
   * One store shared by a webhook export and a Stripe export (as the docs once showed): each replay
   * sends only the letters of its own form, never the other's (a webhook replay sent Stripe's forms
   * in its JSON array, the receiver refused the batch, and a 200 would have forgotten them).
   */
  @Test
  void exportsSharingAStoreReplayOnlyTheirOwnLetters() throws Exception {
    DeadLetterStore shared = DeadLetterStore.inDirectory(dir);
    answers.add(400); // the webhook refuses its batch
    UsageExport webhook = UsageExport.cloudEvents("svc", webhook(), shared);
    webhook.accept(List.of(first));
    answers.add(400);
    answers.add(400);
    answers.add(400); // Stripe refuses calls, bytes_out and compute_ms
    UsageExport stripe = UsageExport.stripe(c -> "cus_" + c, stripeTransport(), shared);
    stripe.accept(List.of(first));
    assertThat(shared.list(10)).hasSize(4);
    int before = received.size();
    assertThat(webhook.retryDeadLetters()).isEqualTo(3); // Stripe's three stay
    assertThat(received.subList(before, received.size())).singleElement().satisfies(r -> {
      JsonNode batch = JSON.readTree(r.body());
      assertThat(batch).hasSize(1);
      assertThat(batch.get(0).get("id").asText()).isEqualTo(UsageExport.eventId(first, "record"));
    });
    before = received.size();
    assertThat(UsageExport.replay(shared, webhook(), UsageExport.Format.CLOUD_EVENTS)).isEqualTo(3); // none of its own left
    assertThat(received).hasSize(before);
    assertThat(stripe.retryDeadLetters()).isZero();
    assertThat(received.subList(before, received.size())).hasSize(3).allSatisfy(r -> assertThat(
        new String(r.body(), StandardCharsets.UTF_8)).startsWith("event_name=summary."));
  }

  /**
   * A record with no Stripe customer yet is kept; once the customer is mapped, its export's retry makes
   * it Stripe's meter events (it used to send the kept JSON as a form, refused for ever), and the CLI's
   * replay, which has no mapping, leaves it.
   */
  @Test
  void aRecordWithoutAStripeCustomerIsMadeItsEventsOnceTheCustomerIsMapped() {
    Map<String, String> customers = new java.util.concurrent.ConcurrentHashMap<>();
    DeadLetterStore store = DeadLetterStore.inMemory();
    UsageExport stripe = UsageExport.stripe(customers::get, stripeTransport(), store);
    stripe.accept(List.of(first));
    assertThat(received).isEmpty();
    assertThat(store.list(10)).singleElement().satisfies(d -> assertThat(d.reason()).contains("no Stripe customer"));
    assertThat(stripe.retryDeadLetters()).isEqualTo(1); // still no customer: kept, nothing sent
    assertThat(received).isEmpty();
    assertThat(UsageExport.replay(store, stripeTransport(), UsageExport.Format.STRIPE)).isEqualTo(1);
    assertThat(UsageExport.replay(store, webhook(), UsageExport.Format.CLOUD_EVENTS)).isEqualTo(1);
    assertThat(received).isEmpty(); // neither replay sent the record
    customers.put("acme", "cus_42");
    assertThat(stripe.retryDeadLetters()).isZero();
    assertThat(received).hasSize(3).allSatisfy(r -> assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .startsWith("event_name=summary.").contains("payload%5Bstripe_customer_id%5D=cus_42"));
    assertThat(received).extracting(r -> r.header("Idempotency-Key")).containsExactlyInAnyOrder(
        UsageExport.eventId(first, "calls"), UsageExport.eventId(first, "bytes_out"),
        UsageExport.eventId(first, "compute_ms")); // the ids the record's events always have
    assertThat(new String(received.stream().filter(r -> new String(r.body(), StandardCharsets.UTF_8)
        .startsWith("event_name=summary.compute_ms")).findFirst().orElseThrow().body(), StandardCharsets.UTF_8))
        .contains("payload%5Bvalue%5D=4&"); // 4,000 us kept as 4 ms
  }

  /**
   * A webhook export and a Stripe export with a customer not mapped yet share one store: the webhook's
   * letter and the Stripe export's kept record of the same usage are two letters (they had one id, and
   * one replaced the other), the webhook's retry sends only its own (it sent the kept record to the
   * webhook and forgot it: Stripe never billed it), and the Stripe export makes the record its events once mapped.
   */
  @Test
  void aKeptStripeRecordInAStoreSharedWithAWebhookIsTheStripeExportsAlone() throws Exception {
    DeadLetterStore shared = DeadLetterStore.inDirectory(dir);
    Map<String, String> customers = new java.util.concurrent.ConcurrentHashMap<>();
    UsageExport stripe = UsageExport.stripe(customers::get, stripeTransport(), shared);
    stripe.accept(List.of(first)); // no Stripe customer: kept
    answers.add(400);
    UsageExport webhook = UsageExport.cloudEvents("svc", webhook(), shared);
    webhook.accept(List.of(first)); // refused: kept
    assertThat(shared.list(10)).hasSize(2);
    int before = received.size();
    assertThat(webhook.retryDeadLetters()).isEqualTo(1); // its own delivered; the kept record stays
    assertThat(received.subList(before, received.size())).singleElement().satisfies(r ->
        assertThat(JSON.readTree(r.body()).get(0).get("source").asText()).isEqualTo("svc"));
    assertThat(shared.list(10)).singleElement().satisfies(d -> assertThat(d.reason()).contains("no Stripe customer"));
    customers.put("acme", "cus_7");
    assertThat(stripe.retryDeadLetters()).isZero();
    assertThat(received.subList(before + 1, received.size())).hasSize(3).allSatisfy(r ->
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("stripe_customer_id%5D=cus_7"));
  }
}
