package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.AuditStore;
import dev.monetize.audit.AuditVerifier;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.testkit.AuditSinkContract;
import dev.monetize.testkit.Concurrently;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit trail in a real PostgreSQL: append-only, one valid chain per tenant under 16 writers, verifiable. */
class PostgresAuditStoreTest extends AuditSinkContract {
  private String url;
  private PostgresStore db;
  private PostgresAuditStore store;

  @BeforeEach
  void open() {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
    store = new PostgresAuditStore(db.dataSource());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
    PostgresTestSupport.drop(url);
  }

  @Override
  protected AuditSink sink() {
    return store;
  }

  @Override
  protected List<AuditEvent> stored(AuditSink sink, String requestIdPrefix) {
    return all(Optional.empty()).stream().filter(e -> e.requestId().startsWith(requestIdPrefix)).toList();
  }

  private List<AuditEvent> all(Optional<String> customer) {
    List<AuditEvent> out = new ArrayList<>();
    AuditStore.Query q = AuditStore.Query.of(customer).limit(1_000);
    while (true) {
      AuditStore.Page page = store.find(q);
      out.addAll(page.events());
      if (page.nextCursor().isEmpty()) {
        return out;
      }
      q = q.after(page.nextCursor());
    }
  }

  @Test
  void aCursorIsOpaqueAndServesEveryProcessOfTheDatabase() throws Exception {
    store.accept(List.of(event("cursor-a", 1), event("cursor-b", 2), event("cursor-a", 3), event("cursor-a", 4)));
    AuditStore.Page first = store.find(AuditStore.Query.of(Optional.of("cursor-a")).limit(1));
    assertThat(first.nextCursor()).hasValueSatisfying(c -> assertThat(c).hasSize(22).doesNotContainPattern("^[0-9]+$"));
    // another process of the same database (another store, same key) takes it
    AuditStore.Page second = new PostgresAuditStore(db.dataSource()).find(AuditStore.Query.of(Optional.of("cursor-a"))
        .limit(1).after(first.nextCursor()));
    assertThat(second.events()).singleElement().satisfies(e -> assertThat(e.requestId()).isEqualTo("r-cursor-a-3"));
    assertThatThrownBy(() -> store.find(AuditStore.Query.of(Optional.of("cursor-a")).after(Optional.of("17"))))
        .hasMessage("cursor: a value from next_cursor");
  }

  private static AuditEvent event(String customer, int i) {
    return new AuditEvent(Instant.parse("2026-12-02T10:00:00Z").plusMillis(i), "r-" + customer + "-" + i,
        Optional.of(customer), Optional.of("key_" + customer), "stats", "GET", "/v1/stats", "203.0.113.9",
        i % 7 == 0 ? 429 : 200, i % 7 == 0 ? "rate_limited" : "admitted", 120, 512);
  }

  private static List<Map<String, Object>> members(List<AuditEvent> events) {
    return events.stream().map(e -> AuditVerifier.parseLine(e.json()).orElseThrow()).toList();
  }

  @Test
  void sixteenWritersKeepEveryTenantsChainValid() throws Exception {
    List<String> tenants = List.of("acme", "globex", "initech");
    Concurrently.call(16, thread -> {
      for (int b = 0; b < 20; b++) { // 20 batches of 10 events, spread over three tenants
        List<AuditEvent> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          batch.add(event(tenants.get((thread + i) % 3), thread * 1_000 + b * 10 + i));
        }
        store.accept(batch);
      }
      return null;
    });
    List<AuditEvent> events = all(Optional.empty());
    assertThat(events).hasSize(16 * 20 * 10);
    assertThat(store.verify()).isEmpty();
    assertThat(AuditVerifier.verify(members(events))).isEmpty();
    for (String t : tenants) { // each chain 1..n without a gap, each customer sees only its own
      List<AuditEvent> own = all(Optional.of(t));
      assertThat(own).allSatisfy(e -> assertThat(e.customerId()).contains(t));
      assertThat(own.stream().mapToLong(AuditEvent::seq).sorted().toArray())
          .containsExactly(java.util.stream.LongStream.rangeClosed(1, own.size()).toArray());
    }
  }

  @Test
  void aTenantsPageIsReadThroughAnIndexWithoutASort() throws Exception {
    store.accept(List.of(event("acme", 1), event("globex", 2)));
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off"); // a tiny table: ask whether an index serves it at all
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN SELECT position, event FROM monetize_audit WHERE position > 0 "
          + "AND customer_id = 'acme' ORDER BY position LIMIT 101")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      assertThat(plan.toString()).contains("monetize_audit_customer_position").doesNotContain("Sort");
    }
  }

  @Test
  void theTableIsAppendOnly() throws Exception {
    store.accept(List.of(event("acme", 1)));
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE monetize_audit SET status = 200"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM monetize_audit")).hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.executeUpdate("TRUNCATE monetize_audit")).hasMessageContaining("append-only");
    }
  }

  @Test
  void verificationNamesAChangedARemovedAndAnInsertedRow() throws Exception {
    List<AuditEvent> batch = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      batch.add(event("acme", i));
    }
    store.accept(batch);
    assertThat(store.verify()).isEmpty();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE monetize_audit DISABLE TRIGGER USER"); // what an intruder with the owner's rights does
      s.executeUpdate("UPDATE monetize_audit SET event = replace(event, '\"status\":200', '\"status\":201') "
          + "WHERE seq = 2");
      assertThat(store.verify()).get().asString().contains("seq 2").contains("changed");
      s.executeUpdate("UPDATE monetize_audit SET event = replace(event, '\"status\":201', '\"status\":200') "
          + "WHERE seq = 2");
      assertThat(store.verify()).isEmpty();
      s.executeUpdate("DELETE FROM monetize_audit WHERE seq = 3");
      assertThat(store.verify()).get().asString().contains("seq 4").contains("missing or inserted");
      s.executeUpdate("DELETE FROM monetize_audit WHERE seq = 1");
      assertThat(store.verify()).get().asString().contains("begins at seq 2");
      s.executeUpdate("UPDATE monetize_audit SET seq = 1 WHERE seq = 2"); // hiding it: the column no longer matches
      assertThat(store.verify()).get().asString().contains("differ from the event");
    }
  }

  /** What queries select by (customer, time, operation, status) is checked against the hashed event. */
  @Test
  void verificationNamesAChangedColumnThatQueriesSelectBy() throws Exception {
    store.accept(List.of(event("acme", 1), event("acme", 2), event("acme", 3)));
    assertThat(store.verify()).isEmpty();
    String[][] changes = {
        {"customer_id = 'globex'", "customer_id = 'acme'", "customer_id"},
        {"operation = 'export'", "operation = (SELECT operation FROM monetize_audit WHERE seq = 1)", "operation"},
        {"status = 500", "status = (SELECT status FROM monetize_audit WHERE seq = 1)", "status"},
        {"time = time - interval '1 day'", "time = time + interval '1 day'", "time"}};
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE monetize_audit DISABLE TRIGGER USER");
      for (String[] change : changes) {
        s.executeUpdate("UPDATE monetize_audit SET " + change[0] + " WHERE seq = 2");
        assertThat(store.verify()).as(change[2]).get().asString().contains("row")
            .contains("its " + change[2] + " column differs from the event");
        s.executeUpdate("UPDATE monetize_audit SET " + change[1] + " WHERE seq = 2");
        assertThat(store.verify()).as(change[2] + " restored").isEmpty();
      }
    }
  }

  /**
   * An event rewritten with a valid hash of its own and moved to a run of its own (its {@code segment})
   * would be linked to nothing and nothing to it: a stored chain is one run, so it is named, whether
   * it is changed in place or stands in for a deleted one.
   */
  @Test
  void verificationNamesAnEventRehashedIntoARunOfItsOwn() throws Exception {
    try (Connection c = threeEventsOpenToAnIntruder(); Statement s = c.createStatement()) {
      String original;
      try (java.sql.ResultSet rs = s.executeQuery("SELECT event FROM monetize_audit WHERE seq = 2")) {
        rs.next();
        original = rs.getString(1);
      }
      java.util.Map<String, Object> forged = dev.monetize.audit.AuditVerifier.parseLine(original).orElseThrow();
      forged.remove("hash");
      forged.put("path", "/v1/FORGED");
      forged.put("segment", "forged");
      String hash = AuditEvent.hashOf((String) forged.get("prev_hash"), forged);
      forged.put("hash", hash);
      try (java.sql.PreparedStatement ps = c.prepareStatement(
          "UPDATE monetize_audit SET event = ?, hash = ? WHERE seq = 2")) {
        ps.setString(1, dev.monetize.audit.CanonicalJson.of(forged));
        ps.setString(2, hash);
        ps.executeUpdate();
      }
      assertThat(store.verify()).get().asString().contains("seq 2").contains("segment").contains("changed");
      s.executeUpdate("UPDATE monetize_audit SET event = 'not json' WHERE seq = 3");
      // a row that cannot be read is the store's failure (a 500, logged), not a bad cursor of the caller's
      assertThatThrownBy(() -> all(Optional.of("acme"))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot be read").hasMessageContaining("audit verify");
    }
  }

  /** Three verified events of acme, and a connection with the table's trigger off, as an intruder with the owner's rights has. */
  private Connection threeEventsOpenToAnIntruder() throws Exception {
    store.accept(List.of(event("acme", 1), event("acme", 2), event("acme", 3)));
    assertThat(store.verify()).isEmpty();
    Connection c = DriverManager.getConnection(url);
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE monetize_audit DISABLE TRIGGER USER");
    }
    return c;
  }

  @Test
  void verificationNamesTheRemovalOfTheNewestEvents() throws Exception {
    try (Connection c = threeEventsOpenToAnIntruder(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM monetize_audit WHERE seq = 3");
      assertThat(store.verify()).get().asString().contains("ends at seq 2").contains("newest events were removed");
    }
  }

  @Test
  void aFloodOfInvalidKeysLeavesCountersWhileValidTrafficKeepsEveryEvent() throws Exception {
    Operation summary = Operation.builder("summary", "GET", "/v1/summary").build();
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(100_000).withBurst(100_000)).quota(Quota.daily(100_000))
        .build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .auditSink(store).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 100_000; i++) { // private addresses: never limited, so each is looked at
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "10.0.0." + (i % 2), "r" + i,
            "Bearer mk_live_" + "x".repeat(30), null));
        a.complete(a.decision().status(), 0);
      }
      for (int i = 0; i < 200; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "ok" + i,
            "Bearer " + acme.secret(), null, "from=2026-01-01&token=s3cret", "curl/8.5"));
        a.complete(200, 10);
      }
      m.flushAudit();
    }
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM monetize_audit")) {
      rs.next();
      assertThat(rs.getLong(1)).isBetween(202L, 206L); // 200 admitted + a counter per address and minute
    }
    List<AuditEvent> own = all(Optional.of("acme"));
    assertThat(own).hasSize(200).allSatisfy(e -> {
      assertThat(e.pathTemplate()).isEqualTo("/v1/summary");
      assertThat(e.userAgent()).isEqualTo("curl/8.5");
      assertThat(e.query()).containsOnlyKeys("from", "token"); // no parameter is audited in clear by default
      assertThat(e.query().values()).allSatisfy(v -> assertThat(v).startsWith("#").hasSize(17));
      assertThat(e.json()).doesNotContain("s3cret").doesNotContain("2026-01-01");
    });
    long counted = all(Optional.empty()).stream().filter(e -> e.customerId().isEmpty())
        .mapToLong(e -> Long.parseLong(e.details().get("count"))).sum();
    assertThat(counted).isEqualTo(100_000);
    assertThat(store.verify()).isEmpty();
  }
}
