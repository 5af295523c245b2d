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
}
