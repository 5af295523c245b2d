package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.shield.ShieldPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines sharing the shield's lists and bans in Redis, as two nodes do: a ban keeps holding on
 * the node that issued it across its reads of the store (Redis keeps times to the millisecond, and so
 * does a ban), a ban lifted through the other node is lifted on the issuing one,
 * and a ban issued again elsewhere after the first lapsed is a second strike.
 */
class RedisShieldNodesTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00.123456789Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
  private final String operatorKey = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE,
      new java.security.SecureRandom());
  private final List<AutoCloseable> opened = new ArrayList<>();
  private String prefix;
  private RedisShieldStore shared;

  @BeforeEach
  void connect() {
    RedisTestSupport.requireRedis();
    prefix = RedisTestSupport.freshPrefix();
    shared = RedisShieldStore.connect(RedisTestSupport.URI, prefix);
    opened.add(shared::close);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    io.lettuce.core.RedisClient admin = io.lettuce.core.RedisClient.create(RedisTestSupport.URI);
    try (io.lettuce.core.api.StatefulRedisConnection<String, String> c = admin.connect()) {
      List<String> keys = c.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      admin.shutdown();
    }
  }

  private Monetize node() {
    RedisShieldStore store = RedisShieldStore.connect(RedisTestSupport.URI, prefix);
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(1_000).withBurst(1_000)).quota(Quota.daily(100_000)).build();
    Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary)
            .shield(ShieldPolicy.defaults().banAfter(2, Duration.ofMinutes(1)))
            .build())
        .timeSource(time).shieldStore(store).operatorKey(operatorKey)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
    opened.add(0, m);
    opened.add(store::close);
    m.customers().save(Customer.of("acme", "basic"));
    return m;
  }

  private String code(Monetize m, String address, String secret) {
    Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", address, "r",
        secret == null ? null : "Bearer " + secret, null));
    a.complete(a.decision().status(), 0);
    return a.decision().admitted() ? "ok" : a.decision().error().orElseThrow().code();
  }

  private int lift(Monetize m, String address) {
    return m.managementApi().handle(new ManagementApi.Request("DELETE", "/monetize/shield/bans/" + address, Map.of(),
        Optional.of("Bearer " + operatorKey), Optional.empty(), new byte[0], "10.0.0.9", "req")).status();
  }

  private void ban(Monetize m, String address) {
    for (int i = 0; i < 2; i++) {
      code(m, address, "mk_live_" + "x".repeat(30));
    }
  }

  @Test
  void bansHoldLiftAndCountStrikesAcrossNodes() throws Exception {
    Monetize issuer = node();
    Monetize other = node();
    IssuedKey key = issuer.keys().issue("acme", Set.of("*"));
    ban(issuer, "198.51.100.90");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !shared.bans().isEmpty());
    // the ban as Redis keeps it (to the millisecond) is the one the issuer wrote: it holds there across its reads
    assertThat(shared.bans()).singleElement().satisfies(b -> assertThat(b.since().getNano() % 1_000_000).isZero());
    Awaitility.await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
        .until(() -> code(issuer, "198.51.100.90", key.secret()).equals("ip_banned"));
    assertThat(lift(other, "198.51.100.90")).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> code(issuer, "198.51.100.90", key.secret()).equals("ok"));
    // strikes: banned on the issuer, lapsed, banned again on the other node
    ban(issuer, "198.51.100.91");
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> shared.bans().stream().anyMatch(b -> b.address().equals("198.51.100.91")));
    time.advance(Duration.ofMinutes(2));
    lift(other, "198.51.100.1"); // the other node reads the store now
    ban(other, "198.51.100.91");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(shared.bans()).filteredOn(b -> b.address().equals("198.51.100.91")).singleElement()
            .satisfies(b -> assertThat(b.strikes()).isEqualTo(2)));
  }
}
