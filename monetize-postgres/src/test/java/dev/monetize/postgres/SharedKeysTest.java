package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two engines (as two JVMs) on one database: a key made by one works on the other, and dies on both. */
class SharedKeysTest {
  private final Operation stats = Operation.builder("stats", "GET", "/stats").scope("stats:read").build();
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("pro").rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1000)).build())
      .operation(stats).build();
  private String url;
  private PostgresStore dbA;
  private PostgresStore dbB;
  private Monetize a;
  private Monetize b;

  @BeforeEach
  void start() {
    url = PostgresTestSupport.freshSchema();
    dbA = PostgresStore.connect(url);
    dbB = PostgresStore.connect(url);
    // no verification cache: the bound on seeing another JVM's revocation is then zero
    a = Monetize.builder().catalog(catalog).keyStore(dbA).customerStore(dbA).keyCacheTtl(Duration.ZERO)
        .usageSink(new PostgresUsageLedger(dbA.dataSource())).auditSink(batch -> { }).build();
    b = Monetize.builder().catalog(catalog).keyStore(dbB).customerStore(dbB).keyCacheTtl(Duration.ZERO)
        .usageSink(new PostgresUsageLedger(dbB.dataSource())).auditSink(batch -> { }).build();
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
      b.close();
      dbA.close();
      dbB.close();
    }
    PostgresTestSupport.drop(url);
  }

  /** An engine on {@code db} whose key cache keeps a key ten minutes: only the store's word ends it sooner. */
  private Monetize cachingFor10Minutes(PostgresStore db) {
    return Monetize.builder().catalog(catalog).keyStore(db).customerStore(db).keyCacheTtl(Duration.ofMinutes(10))
        .usageSink(batch -> { }).auditSink(batch -> { }).build();
  }

  private Admission call(Monetize m, String secret) {
    Admission adm = m.admit(stats, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", "Bearer " + secret, null));
    adm.complete(200, 0);
    return adm;
  }

  @Test
  void usageReportsCountEveryNodesCallsFromTheLedger() throws Exception {
    a.customers().save(Customer.of("acme", "pro"));
    IssuedKey key = a.keys().issue("acme", Set.of("stats:read"));
    for (int i = 0; i < 3; i++) {
      call(a, key.secret());
    }
    for (int i = 0; i < 4; i++) {
      call(b, key.secret());
    }
    assertThat(a.flushUsage()).isTrue();
    assertThat(b.flushUsage()).isTrue();
    for (Monetize node : new Monetize[] {a, b}) {
      dev.monetize.management.ManagementApi.Response r = node.managementApi().handle(new dev.monetize.management.ManagementApi.Request(
          "GET", "/monetize/usage", java.util.Map.of(), java.util.Optional.of("Bearer " + key.secret()),
          java.util.Optional.empty(), new byte[0], "", "req"));
      assertThat(r.status()).isEqualTo(200);
      com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(n.at("/usage/requests").asLong()).as("both nodes' calls").isEqualTo(7);
      assertThat(n.at("/usage/by_operation/stats").asLong()).isEqualTo(7);
    }
  }

  @Test
  void revocationAndRotationOnOneJvmAreSeenByTheOther() {
    a.customers().save(Customer.of("acme", "pro"));
    IssuedKey key = a.keys().issue("acme", Set.of("stats:read"));
    assertThat(call(b, key.secret()).decision().admitted()).isTrue();
    IssuedKey rotated = a.keys().rotate(key.key().id(), Duration.ZERO).orElseThrow();
    assertThat(call(b, key.secret()).decision().error()).contains(ErrorCode.KEY_ROTATED);
    assertThat(call(b, rotated.secret()).decision().admitted()).isTrue();
    a.keys().revoke(key.key().id());
    assertThat(call(b, rotated.secret()).decision().error()).contains(ErrorCode.KEY_REVOKED);
  }

  @Test
  void aKeyRevokedOnOneNodeStopsAtOnceOnAnotherThatCachedIt() throws Exception {
    // caches that would keep a key for ten minutes: only the store's notification can end it sooner
    Monetize c = cachingFor10Minutes(dbA);
    Monetize d = cachingFor10Minutes(dbB);
    try {
      c.customers().save(Customer.of("acme", "pro"));
      IssuedKey key = c.keys().issue("acme", Set.of("stats:read"));
      IssuedKey other = c.keys().issue("acme", Set.of("stats:read"));
      assertThat(call(d, key.secret()).decision().admitted()).isTrue(); // cached on d from now on
      assertThat(call(d, other.secret()).decision().admitted()).isTrue();
      c.keys().revoke(key.key().id());
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          call(d, key.secret()).decision().error().equals(java.util.Optional.of(ErrorCode.KEY_REVOKED)));
      assertThat(call(d, other.secret()).decision().admitted()).as("the other key stays").isTrue();
      // an edit made by hand is told too: revoked in SQL, refused on both nodes without waiting for their caches
      try (java.sql.Connection conn = dbA.dataSource().getConnection();
          java.sql.PreparedStatement ps = conn.prepareStatement(
              "UPDATE monetize_api_keys SET status = 'REVOKED' WHERE id = ?")) {
        ps.setString(1, other.key().id());
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      for (Monetize node : new Monetize[] {c, d}) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
            call(node, other.secret()).decision().error().equals(java.util.Optional.of(ErrorCode.KEY_REVOKED)));
      }
    } finally {
      c.close();
      d.close();
    }
  }

  @Test
  void aWatchThatLostItsConnectionListensAgainAndForgetsWhatItMayHaveMissed() throws Exception {
    Monetize d = cachingFor10Minutes(dbB);
    try {
      d.customers().save(Customer.of("acme", "pro"));
      IssuedKey probe = d.keys().issue("acme", Set.of("stats:read"));
      IssuedKey key = d.keys().issue("acme", Set.of("stats:read"));
      IssuedKey later = d.keys().issue("acme", Set.of("stats:read"));
      assertThat(call(d, probe.secret()).decision().admitted()).isTrue(); // each cached for ten minutes
      assertThat(call(d, key.secret()).decision().admitted()).isTrue();
      revokeBySql(probe);
      awaitRefused(d, probe); // d's watch listens
      // the server drops every watch's connection, and the key is revoked by hand while they are gone
      try (java.sql.Connection conn = dbA.dataSource().getConnection(); java.sql.Statement s = conn.createStatement()) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
            + KeyWatch.APPLICATION_NAME + "'");
      }
      revokeBySql(key);
      awaitRefused(d, key);
      // and it listens again
      assertThat(call(d, later.secret()).decision().admitted()).isTrue();
      revokeBySql(later);
      awaitRefused(d, later);
    } finally {
      d.close();
    }
  }

  @Test
  void aStatusWrittenByHandInAnotherCaseOrMisspelledNeverLetsTheKeyIn() throws Exception {
    a.customers().save(Customer.of("acme", "pro"));
    IssuedKey lower = a.keys().issue("acme", Set.of("stats:read"));
    IssuedKey typo = a.keys().issue("acme", Set.of("stats:read"));
    try (java.sql.Connection conn = dbA.dataSource().getConnection();
        java.sql.PreparedStatement ps = conn.prepareStatement("UPDATE monetize_api_keys SET status = ? WHERE id = ?")) {
      ps.setString(1, "revoked");
      ps.setString(2, lower.key().id());
      ps.executeUpdate();
      ps.setString(1, "actve");
      ps.setString(2, typo.key().id());
      ps.executeUpdate();
    }
    assertThat(call(b, lower.secret()).decision().error()).contains(ErrorCode.KEY_REVOKED);
    assertThat(call(b, typo.secret()).decision().error()).as("no status at all: refused").contains(ErrorCode.KEY_REVOKED);
  }

  private void revokeBySql(IssuedKey key) throws java.sql.SQLException {
    try (java.sql.Connection conn = dbA.dataSource().getConnection();
        java.sql.PreparedStatement ps = conn.prepareStatement("UPDATE monetize_api_keys SET status = 'REVOKED' WHERE id = ?")) {
      ps.setString(1, key.key().id());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private void awaitRefused(Monetize node, IssuedKey key) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        call(node, key.secret()).decision().error().equals(java.util.Optional.of(ErrorCode.KEY_REVOKED)));
  }
}
