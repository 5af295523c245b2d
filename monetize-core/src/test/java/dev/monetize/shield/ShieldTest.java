package dev.monetize.shield;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.http.Cidr;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shield through the engine: lists, the budget of failed authentications, bans, the operator's API. */
class ShieldTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
  private final String operatorKey = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE,
      new java.security.SecureRandom());

  private Monetize monetize(ShieldPolicy policy, ShieldStore store) {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(100_000)).build();
    return Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).shield(policy).build())
        .timeSource(time).shieldStore(store).operatorKey(operatorKey).auditSink(dev.monetize.audit.AuditSink.inMemory())
        .build();
  }

  private static IssuedKey customer(Monetize m) {
    m.customers().save(Customer.of("acme", "basic"));
    return m.keys().issue("acme", Set.of("*"));
  }

  private static Admission call(Monetize m, Operation op, String address, String secret) {
    Admission a = m.admit(op, ApiRequest.of("GET", "/v1/summary", address, "r", secret == null ? null : "Bearer " + secret,
        null));
    a.complete(a.decision().status(), 0);
    return a;
  }

  private static String code(Admission a) {
    return a.decision().admitted() ? "ok" : a.decision().error().orElseThrow().code();
  }

  private static String header(Admission a, String name) {
    return a.responseHeaders().stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
  }

  @Test
  void deniedNetworksAreRefusedBeforeTheirCredentialAndAllowedOnesPassWhateverElse() {
    ShieldPolicy p = ShieldPolicy.defaults().deny(Cidr.parse("203.0.113.0/24"), Cidr.parse("2001:db8:bad::/48"))
        .allow(Cidr.parse("203.0.113.7/32"));
    try (Monetize m = monetize(p, ShieldStore.inMemory())) {
      IssuedKey k = customer(m);
      assertThat(code(call(m, summary, "203.0.113.9", k.secret()))).isEqualTo("ip_denied"); // a valid key too
      assertThat(code(call(m, summary, "[2001:db8:bad::1]", k.secret()))).isEqualTo("ip_denied");
      assertThat(code(call(m, summary, "203.0.113.7", k.secret()))).isEqualTo("ok"); // allowed wins
      assertThat(code(call(m, summary, "198.51.100.1", k.secret()))).isEqualTo("ok");
      Admission denied = call(m, summary, "203.0.113.10", null);
      assertThat(denied.problem().detail()).isEqualTo("Requests from your network are not accepted.");
      assertThat(m.metrics().shieldDenied()).isEqualTo(3);
    }
  }

  @Test
  void anAddressThatKeepsFailingAuthenticationIsLimitedThenBannedForLongerEachTime() {
    ShieldPolicy p = ShieldPolicy.defaults().unauthenticated(Rate.perSecond(1).withBurst(9))
        .banAfter(15, Duration.ofMinutes(1)).bans(Duration.ofMinutes(1), Duration.ofMinutes(3));
    ShieldStore store = ShieldStore.inMemory();
    try (Monetize m = monetize(p, store)) {
      IssuedKey k = customer(m);
      String attacker = "198.51.100.66";
      for (int i = 0; i < 10; i++) { // the burst: each is looked at, and fails
        assertThat(code(call(m, summary, attacker, "mk_live_" + "x".repeat(30)))).isEqualTo("key_invalid");
      }
      Admission limited = call(m, summary, attacker, k.secret()); // over its budget: not even a valid key is looked at
      assertThat(code(limited)).isEqualTo("ip_rate_limited");
      assertThat(limited.decision().status()).isEqualTo(429);
      assertThat(header(limited, "Retry-After")).isEqualTo("1");
      assertThat(code(call(m, summary, "198.51.100.67", k.secret()))).isEqualTo("ok"); // its neighbour is not
      for (int i = 0; i < 5; i++) { // one a second: within the budget, but the ban counts them
        time.advance(Duration.ofSeconds(1));
        call(m, summary, attacker, null);
      }
      Admission banned = call(m, summary, attacker, k.secret());
      assertThat(code(banned)).isEqualTo("ip_banned");
      assertThat(banned.decision().status()).isEqualTo(403);
      assertThat(header(banned, "Retry-After")).isEqualTo("60");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)) // the store learns of it in the background
          .untilAsserted(() -> assertThat(store.ban(attacker).orElseThrow().strikes()).isEqualTo(1));
      time.advance(Duration.ofSeconds(61));
      assertThat(code(call(m, summary, attacker, k.secret()))).isEqualTo("ok"); // bans lapse by themselves
      for (int i = 0; i < 15; i++) {
        time.advance(Duration.ofSeconds(1));
        call(m, summary, attacker, null);
      }
      assertThat(header(call(m, summary, attacker, k.secret()), "Retry-After")).isEqualTo("120"); // twice as long
      time.advance(Duration.ofMinutes(3));
      for (int i = 0; i < 15; i++) {
        time.advance(Duration.ofSeconds(1));
        call(m, summary, attacker, null);
      }
      assertThat(header(call(m, summary, attacker, k.secret()), "Retry-After")).isEqualTo("180"); // at most 3 min
      assertThat(m.metrics().bansIssued()).isEqualTo(3);
    }
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64WhateverAddressItTakes() {
    ShieldPolicy p = ShieldPolicy.defaults().unauthenticated(Rate.perSecond(1).withBurst(2)).banAfter(0,
        Duration.ofMinutes(1));
    try (Monetize m = monetize(p, ShieldStore.inMemory())) {
      IssuedKey k = customer(m);
      call(m, summary, "2001:db8:1:2::a", null);
      call(m, summary, "[2001:db8:1:2::b]", null);
      call(m, summary, "2001:db8:1:2:0:0:0:c", null);
      assertThat(code(call(m, summary, "2001:db8:1:2:ffff::1", k.secret()))).isEqualTo("ip_rate_limited");
      assertThat(code(call(m, summary, "2001:db8:1:3::1", k.secret()))).isEqualTo("ok"); // another /64
      assertThat(code(call(m, summary, "fe80::1%eth0", k.secret()))).isEqualTo("ok"); // a zone id parses
    }
  }

  @Test
  void privateAddressesAreNeitherLimitedNorBannedUnlessAsked() {
    ShieldPolicy p = ShieldPolicy.defaults().unauthenticated(Rate.perSecond(1)).banAfter(3, Duration.ofMinutes(1));
    try (Monetize m = monetize(p, ShieldStore.inMemory())) {
      for (int i = 0; i < 10; i++) {
        assertThat(code(call(m, summary, "10.1.2.3", null))).isEqualTo("key_missing"); // a proxy of our own, say
        assertThat(code(call(m, summary, "::1", null))).isEqualTo("key_missing");
      }
    }
    try (Monetize m = monetize(p.limitPrivateAddresses(true), ShieldStore.inMemory())) {
      call(m, summary, "10.1.2.3", null);
      assertThat(code(call(m, summary, "10.1.2.3", null))).isEqualTo("ip_rate_limited");
    }
  }

  /** A store whose writes of bans are slow: the node's store thread is still writing when the operator lifts. */
  private static final class SlowBans implements ShieldStore {
    private final ShieldStore inner = ShieldStore.inMemory();
    final java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);

    @Override public java.util.List<ShieldRule> rules() { return inner.rules(); }
    @Override public void add(ShieldRule rule) { inner.add(rule); }
    @Override public boolean remove(ShieldRule.Kind kind, String id) { return inner.remove(kind, id); }
    @Override public java.util.List<Ban> bans() { return inner.bans(); }
    @Override public Optional<Ban> ban(String address) { return inner.ban(address); }
    @Override public boolean lift(String address) { return inner.lift(address); }
    @Override public void sweep(Instant now) { inner.sweep(now); }

    private final long writeMillis;

    SlowBans(long writeMillis) {
      this.writeMillis = writeMillis;
    }

    @Override
    public void ban(Ban ban) {
      writing.countDown();
      try {
        Thread.sleep(writeMillis); // the write is under way while the operator lifts the ban
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inner.ban(ban);
      written.countDown();
    }
  }

  @Test
  void aBanLiftedWhileItIsStillBeingWrittenStaysLifted() throws Exception {
    SlowBans store = new SlowBans(300);
    try (Monetize m = monetize(ShieldPolicy.defaults().banAfter(2, Duration.ofMinutes(1)), store)) {
      IssuedKey k = customer(m);
      call(m, summary, "203.0.113.50", null);
      call(m, summary, "203.0.113.50", null); // banned here at once; the store is written in the background
      assertThat(store.writing.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(manage(m, "DELETE", "/monetize/shield/bans/203.0.113.50", operatorKey, null).status()).isEqualTo(200);
      assertThat(store.written.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // the lift ran after the write, not before it: the store does not hold the ban, nor does the view read from it
      assertThat(store.bans()).isEmpty();
      assertThat(code(call(m, summary, "203.0.113.50", k.secret()))).isEqualTo("ok");
      assertThat(manage(m, "DELETE", "/monetize/shield/bans/203.0.113.50", operatorKey, null).status()).isEqualTo(404);
    }
  }

  @Test
  void aLiftWaitingBehindAStoreWriteReturnsWhenTheEngineCloses() throws Exception {
    SlowBans store = new SlowBans(60_000); // a store that does not answer
    Monetize m = monetize(ShieldPolicy.defaults().banAfter(2, Duration.ofMinutes(1)), store);
    customer(m);
    call(m, summary, "203.0.113.50", null);
    call(m, summary, "203.0.113.50", null);
    assertThat(store.writing.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    java.util.concurrent.CompletableFuture<Integer> lift = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> manage(m, "DELETE", "/monetize/shield/bans/203.0.113.50", operatorKey, null).status());
    Thread.sleep(200); // most often the lift now waits in the store thread's queue (else it runs after the close)
    m.close();
    assertThat(lift.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200); // not left waiting for ever
  }

  @Test
  void theOperatorDeniesAllowsListsAndLiftsAtRunTimeAndNobodyElseCan() throws Exception {
    ShieldStore store = ShieldStore.inMemory();
    try (Monetize m = monetize(ShieldPolicy.defaults().banAfter(2, Duration.ofMinutes(1)), store)) {
      IssuedKey k = customer(m);
      ManagementApi.Response denied = manage(m, "POST", "/monetize/shield/deny", operatorKey,
          "{\"cidr\":\"198.51.100.0/24\",\"until\":\"2026-03-01T01:00:00Z\"}");
      assertThat(denied.status()).isEqualTo(201);
      String body = new String(denied.body(), StandardCharsets.UTF_8);
      assertThat(body).contains("\"cidr\":\"198.51.100.0/24\"").contains("\"list\":\"deny\"");
      String id = body.replaceAll(".*\"id\":\"(sr_[a-z0-9]{16})\".*", "$1");
      assertThat(code(call(m, summary, "198.51.100.5", k.secret()))).isEqualTo("ip_denied"); // at once
      assertThat(manage(m, "POST", "/monetize/shield/deny", k.secret(), "{\"cidr\":\"1.2.3.0/24\"}").status())
          .isEqualTo(403);
      assertThat(manage(m, "POST", "/monetize/shield/deny", operatorKey, "{\"cidr\":\"1.2.3.0/33\"}").status())
          .isEqualTo(400);
      assertThat(manage(m, "POST", "/monetize/shield/deny", operatorKey, "{\"cidr\":\"example.com\"}").status())
          .isEqualTo(400);
      assertThat(manage(m, "POST", "/monetize/shield/deny", operatorKey,
          "{\"cidr\":\"1.2.3.0/24\",\"until\":\"2020-01-01T00:00:00Z\"}").status()).isEqualTo(400);
      // the operator cannot lock itself out: no /0, nothing holding the address it calls from (10.0.0.9)
      assertThat(manage(m, "POST", "/monetize/shield/deny", operatorKey, "{\"cidr\":\"0.0.0.0/0\"}").status())
          .isEqualTo(400);
      for (String everyone : java.util.List.of("0.0.0.0/0", "::/0")) { // an allow entry turning the shield off
        assertThat(manage(m, "POST", "/monetize/shield/allow", operatorKey, "{\"cidr\":\"" + everyone + "\"}").status())
            .as(everyone).isEqualTo(400);
      }
      assertThat(manage(m, "POST", "/monetize/shield/deny", operatorKey, "{\"cidr\":\"10.0.0.0/8\"}").status())
          .isEqualTo(400);
      assertThat(new String(manage(m, "GET", "/monetize/shield", operatorKey, null).body(), StandardCharsets.UTF_8))
          .contains(id);
      assertThat(manage(m, "DELETE", "/monetize/shield/allow/" + id, operatorKey, null).status()).isEqualTo(404);
      assertThat(manage(m, "DELETE", "/monetize/shield/deny/" + id, operatorKey, null).status()).isEqualTo(200);
      assertThat(code(call(m, summary, "198.51.100.5", k.secret()))).isEqualTo("ok");
      // a ban, listed and lifted
      call(m, summary, "203.0.113.50", null);
      call(m, summary, "203.0.113.50", null);
      assertThat(code(call(m, summary, "203.0.113.50", k.secret()))).isEqualTo("ip_banned");
      String bans = new String(manage(m, "GET", "/monetize/shield/bans", operatorKey, null).body(),
          StandardCharsets.UTF_8);
      assertThat(bans).contains("\"address\":\"203.0.113.50\"").contains("\"strikes\":1");
      assertThat(manage(m, "GET", "/monetize/shield/bans", k.secret(), null).status()).isEqualTo(403);
      assertThat(manage(m, "DELETE", "/monetize/shield/bans/203.0.113.50", operatorKey, null).status()).isEqualTo(200);
      assertThat(code(call(m, summary, "203.0.113.50", k.secret()))).isEqualTo("ok");
      assertThat(manage(m, "DELETE", "/monetize/shield/bans/203.0.113.50", operatorKey, null).status()).isEqualTo(404);
      // the management API is shielded too
      manage(m, "POST", "/monetize/shield/deny", operatorKey, "{\"cidr\":\"192.0.2.0/24\"}");
      ManagementApi.Response shielded = m.managementApi().handle(new ManagementApi.Request("GET", "/monetize/usage",
          Map.of(), Optional.of("Bearer " + k.secret()), Optional.empty(), new byte[0], "192.0.2.1", "req"));
      assertThat(shielded.status()).isEqualTo(403);
      assertThat(new String(shielded.body(), StandardCharsets.UTF_8)).contains("ip_denied");
    }
  }

  /**
   * Two nodes on one store: a ban lifted through the node that did not issue it is lifted on the one
   * that did (it kept refusing the address, its own ban preferred, for up to a day); a client banned
   * again on the other node after its first ban lapsed is on its second strike there (each node
   * counted only bans in force, and every later ban lasted as long as the first).
   */
  @Test
  void twoNodesLiftAndCountStrikesOfEachOthersBans() throws Exception {
    ShieldStore shared = ShieldStore.inMemory();
    ShieldPolicy p = ShieldPolicy.defaults().banAfter(2, Duration.ofMinutes(1));
    try (Monetize issuer = monetize(p, shared); Monetize other = monetize(p, shared)) {
      IssuedKey k = customer(issuer);
      other.customers().save(Customer.of("acme", "basic"));
      call(issuer, summary, "198.51.100.90", null);
      call(issuer, summary, "198.51.100.90", null); // banned on the issuer, written to the store in the background
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !shared.bans().isEmpty());
      assertThat(code(call(issuer, summary, "198.51.100.90", k.secret()))).isEqualTo("ip_banned");
      assertThat(manage(other, "DELETE", "/monetize/shield/bans/198.51.100.90", operatorKey, null).status())
          .isEqualTo(200);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)) // the issuer reads the store every second
          .until(() -> code(call(issuer, summary, "198.51.100.90", k.secret())).equals("ok"));
      // strikes: banned on the issuer, lapsed, banned again on the other node
      call(issuer, summary, "198.51.100.91", null);
      call(issuer, summary, "198.51.100.91", null);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> shared.bans().stream().anyMatch(b -> b.address().equals("198.51.100.91")));
      time.advance(Duration.ofMinutes(2)); // the first ban (1 minute) lapsed
      manage(other, "DELETE", "/monetize/shield/bans/198.51.100.1", operatorKey, null); // the other node reads the store
      call(other, summary, "198.51.100.91", null);
      call(other, summary, "198.51.100.91", null);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(shared.bans()).filteredOn(b -> b.address().equals("198.51.100.91")).singleElement()
              .satisfies(b -> {
                assertThat(b.strikes()).isEqualTo(2);
                assertThat(Duration.between(b.since(), b.until())).isEqualTo(Duration.ofMinutes(2));
              }));
    }
  }

  /** An IPv4 address spelled in IPv6 (::10.9.9.9, NAT64) is the IPv4 address: a private one is never banned. */
  @Test
  void aPrivateIpv4AddressSpelledInIpv6IsNeverBanned() {
    ShieldPolicy p = ShieldPolicy.defaults().unauthenticated(Rate.perSecond(1)).banAfter(3, Duration.ofMinutes(1));
    try (Monetize m = monetize(p, ShieldStore.inMemory())) {
      IssuedKey k = customer(m);
      for (String spelling : java.util.List.of("::10.9.9.9", "64:ff9b::a09:909", "::127.0.0.1")) {
        for (int i = 0; i < 10; i++) {
          assertThat(code(call(m, summary, spelling, null))).as(spelling).isEqualTo("key_missing");
        }
      }
      assertThat(code(call(m, summary, "10.9.9.9", k.secret()))).isEqualTo("ok");
    }
  }

  private static ManagementApi.Response manage(Monetize m, String method, String path, String secret, String body) {
    return m.managementApi().handle(new ManagementApi.Request(method, path, Map.of(), Optional.of("Bearer " + secret),
        Optional.empty(), body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
  }
}
