package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.config.CatalogLoader;
import dev.monetize.events.LifecycleEvent;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator changes an organization's plan now or at the end of its period; each change is announced. */
class PlanChangesTest {
  private static final String PLANS = """
      plans:
        basic:
          rank: 0
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 100000, window: month } ]
          scopes: ["*"]
          currency: USD
          fee: "10.00"
        pro:
          rank: 10
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 1000000, window: month } ]
          scopes: ["*"]
          currency: USD
          fee: "40.00"
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      """;
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode call(Monetize m, String method, String path, String body, String secret, int status) throws Exception {
    String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : null;
    ManagementApi.Response r = m.managementApi().handle(ManagementApi.Request.withRawQuery(method,
        path.contains("?") ? path.substring(0, path.indexOf('?')) : path, query,
        Optional.of("Bearer " + secret), Optional.empty(), body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
        "10.0.0.9", "req"));
    JsonNode out = json.readTree(new String(r.body(), StandardCharsets.UTF_8));
    assertThat(r.status()).as(out.toString()).isEqualTo(status);
    return out;
  }

  @Test
  void nowAndAtPeriodEndWithScheduledChangesListedCancelledAndApplied() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-01T00:00:00Z"));
    String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    dev.monetize.audit.InMemoryAuditSink audit = dev.monetize.audit.AuditSink.inMemory();
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .operatorKey(operator).eventListener(told::add).auditSink(audit).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      time.set(Instant.parse("2026-11-16T00:00:00.123456789Z")); // a change made now is dated to the nanosecond

      JsonNode now = call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", operator, 200);
      assertThat(now.get("plan").asText()).isEqualTo("pro");
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("pro");
      // prorated by the billing rules: half of November on basic, half on pro
      JsonNode invoice = call(m, "GET", "/monetize/invoices?customer_id=acme", null, operator, 200).get("data").get(0);
      assertThat(invoice.get("total").asText()).isEqualTo("25.00"); // 10.00 x 15/30 + 40.00 x 15/30
      String text = new String(m.managementApi().handle(new dev.monetize.management.ManagementApi.Request("GET",
          "/monetize/invoices/draft", java.util.Map.of("customer_id", "acme", "format", "text"),
          java.util.Optional.of("Bearer " + operator), java.util.Optional.empty(), new byte[0], "10.0.0.9", "r")).body(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).contains("(2026-11-01T00:00:00Z to 2026-11-16T00:00:00Z)") // people read it to the second
          .doesNotContain(".123456789");

      JsonNode scheduled = call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"basic\", \"at\": \"period_end\"}",
          operator, 200);
      assertThat(scheduled.get("plan").asText()).isEqualTo("pro"); // until the period ends
      assertThat(scheduled.get("scheduled_plan_change").get("plan").asText()).isEqualTo("basic");
      assertThat(scheduled.get("scheduled_plan_change").get("at").asText()).isEqualTo("2026-12-01T00:00:00Z");
      assertThat(call(m, "GET", "/monetize/organizations/acme", null, key.secret(), 200).get("scheduled_plan_change")
          .get("at").asText()).isEqualTo("2026-12-01T00:00:00Z"); // the organization sees it too
      JsonNode cancelled = call(m, "DELETE", "/monetize/organizations/acme/scheduled-plan-change", null, operator, 200);
      assertThat(cancelled.has("scheduled_plan_change")).isFalse();
      call(m, "DELETE", "/monetize/organizations/acme/scheduled-plan-change", null, operator, 404);

      call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"basic\", \"at\": \"period_end\"}", operator, 200);
      time.set(Instant.parse("2026-11-30T23:59:59Z"));
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("pro"); // not yet
      time.set(Instant.parse("2026-12-01T00:00:05Z"));
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("basic");
      JsonNode december = call(m, "GET", "/monetize/invoices?customer_id=acme", null, operator, 200).get("data").get(0);
      assertThat(december.get("total").asText()).isEqualTo("10.00"); // all of December on basic

      call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"gold\"}", operator, 400);
      call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\", \"at\": \"tomorrow\"}", operator, 400);
      call(m, "PATCH", "/monetize/organizations/nobody", "{\"plan\": \"pro\"}", operator, 404);
      call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", key.secret(), 403);

      m.flushAudit(); // audited, with what changed
      assertThat(audit.events()).filteredOn(e -> e.operationId().equals("monetize.organization_update")
          && e.status() == 200).first().satisfies(e -> assertThat(e.details()).containsEntry("from_plan", "basic")
              .containsEntry("plan", "pro").containsEntry("at", "now").containsEntry("target_organization", "acme"));
      m.flushEvents();
      assertThat(told).extracting(LifecycleEvent::type).containsExactly(LifecycleEvent.PLAN_CHANGED,
          LifecycleEvent.PLAN_CHANGE_SCHEDULED, LifecycleEvent.PLAN_CHANGE_CANCELLED, LifecycleEvent.PLAN_CHANGE_SCHEDULED,
          LifecycleEvent.PLAN_CHANGED);
      assertThat(told.get(4).data()).containsEntry("from_plan", "pro").containsEntry("to_plan", "basic")
          .containsEntry("effective_at", "2026-12-01T00:00:00Z");
    }
  }

  /** A billing history as a database is: other nodes read and write it too. */
  private static final class SharedHistory implements dev.monetize.billing.BillingHistory {
    private final dev.monetize.billing.BillingHistory in = dev.monetize.billing.BillingHistory.inMemory();

    @Override
    public boolean shared() {
      return true;
    }

    @Override
    public dev.monetize.billing.WalletEntry recordWalletEntry(dev.monetize.billing.WalletEntry entry) {
      return in.recordWalletEntry(entry);
    }

    @Override
    public Optional<dev.monetize.billing.WalletEntry> walletEntry(String customerId, String id) {
      return in.walletEntry(customerId, id);
    }

    @Override
    public List<dev.monetize.billing.WalletEntry> walletEntries(String customerId, int limit) {
      return in.walletEntries(customerId, limit);
    }

    @Override
    public void recordPlanChange(dev.monetize.billing.PlanChange change) {
      in.recordPlanChange(change);
    }

    @Override
    public List<dev.monetize.billing.PlanChange> planChanges(String customerId, Instant from, Instant to) {
      return in.planChanges(customerId, from, to);
    }

    @Override
    public List<dev.monetize.billing.PlanChange> changesDue(Instant after, Instant upTo) {
      return in.changesDue(after, upTo);
    }

    @Override
    public int cancelPlanChanges(String customerId, Instant after) {
      return in.cancelPlanChanges(customerId, after);
    }

    @Override
    public dev.monetize.billing.Invoice finalizeInvoice(dev.monetize.billing.Invoice draft) {
      return in.finalizeInvoice(draft);
    }

    @Override
    public List<dev.monetize.billing.Invoice> invoices(String customerId, int limit) {
      return in.invoices(customerId, limit);
    }

    @Override
    public Optional<dev.monetize.billing.Invoice> invoice(String customerId, String number) {
      return in.invoice(customerId, number);
    }
  }

  /** Limits counted in one process beside a history other nodes share are named at build: they are per node. */
  @Test
  void inMemoryLimitsBesideASharedHistoryAreWarnedOf() {
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(seen, true, StandardCharsets.UTF_8));
    try {
      Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).billingHistory(new SharedHistory()).build()
          .close();
      Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).build().close();
    } finally {
      System.setErr(err);
    }
    String log = seen.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("rate limits and quotas are counted in this process's memory while the billing "
        + "history (SharedHistory) is shared");
    assertThat(log.split("rate limits and quotas are counted", -1)).hasSize(2); // once: not for the in-memory history
  }

  /** Nodes of one service: a shared billing history, customer and key stores, one clock and operator. */
  private static final class Nodes {
    final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-16T00:00:00Z"));
    final String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
    final SharedHistory history = new SharedHistory();
    final dev.monetize.keys.CustomerStore customers = dev.monetize.keys.CustomerStore.inMemory();
    final dev.monetize.keys.KeyStore keys = dev.monetize.keys.KeyStore.inMemory();

    MonetizeBuilder builder() {
      return Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
          .operatorKey(operator).billingHistory(history).customerStore(customers).keyStore(keys)
          .keyCacheTtl(java.time.Duration.ZERO);
    }
  }

  /**
   * A node that starts in the seconds before a change other nodes scheduled comes due follows it from
   * its instant: its first sweep runs at start, not 10 s later (a node restarted after a crash, or in a
   * rolling deploy, charged the old plan past the instant the invoice prorates by).
   */
  @Test
  void aNodeStartedJustBeforeAChangeComesDueFollowsIt() throws Exception {
    Nodes nodes = new Nodes();
    ManualTimeSource time = nodes.time;
    String operator = nodes.operator;
    java.util.function.Supplier<MonetizeBuilder> node = nodes::builder;
    try (Monetize a = node.get().build()) {
      a.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = a.keys().issue("acme", Set.of("*"));
      JsonNode now = call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", operator, 200);
      Instant due = Instant.parse(now.get("scheduled_plan_change").get("at").asText());
      time.set(due.minusSeconds(2));
      try (Monetize restarted = node.get().build()) { // built once its first sweep has run
        time.set(due);
        Operation summary = restarted.catalog().operation("summary").orElseThrow();
        Admission x = restarted.admit(summary, ApiRequest.of("GET", "/v1/summary", "10.0.0.1", "r",
            "Bearer " + key.secret(), null));
        x.complete(200, 0);
        assertThat(x.principal().orElseThrow().plan().name()).isEqualTo("pro");
      }
    }
  }

  /**
   * The plan changes a node applies as it starts (due while it was down) reach its event listener once
   * the engine is built, not while it is: a listener that reads the engine through its caller's
   * reference would meet none yet. The key store's watch, the build's last step before events flow,
   * waits up to a second for the listener: it hears nothing, then the listener hears the change.
   */
  @Test
  void changesAppliedAtStartReachTheListenerOnceTheEngineIsBuilt() throws Exception {
    Nodes nodes = new Nodes();
    java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
    List<LifecycleEvent> events = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean heardWhileBuilding = new java.util.concurrent.atomic.AtomicBoolean();
    dev.monetize.keys.KeyStore watching = (dev.monetize.keys.KeyStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.monetize.keys.KeyStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("watch")) {
            heardWhileBuilding.set(heard.await(1, java.util.concurrent.TimeUnit.SECONDS));
          }
          try {
            return method.invoke(nodes.keys, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (Monetize a = nodes.builder().build()) {
      a.customers().save(Customer.of("acme", "basic"));
      JsonNode now = call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", nodes.operator, 200);
      nodes.time.set(Instant.parse(now.get("scheduled_plan_change").get("at").asText()).plusSeconds(60));
      try (Monetize restarted = nodes.builder().keyStore(watching).eventListener(e -> {
        events.add(e);
        heard.countDown();
      }).build()) {
        assertThat(heardWhileBuilding).as("an event reached the listener before the engine was built").isFalse();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> heard.getCount() == 0);
        assertThat(events).extracting(LifecycleEvent::type, LifecycleEvent::subject)
            .contains(org.assertj.core.groups.Tuple.tuple(LifecycleEvent.PLAN_CHANGED, "acme"));
        assertThat(restarted.customers().find("acme").orElseThrow().plan()).isEqualTo("pro");
      }
    }
  }

  /**
   * With a history several nodes share, "now" is a change every node follows at one instant (30 s on,
   * past each node's next sweep): the node that took it does not switch before the others, which
   * would charge one plan while the invoice bills the other.
   */
  @Test
  void nowOnSeveralNodesIsOneInstantEveryNodeFollows() throws Exception {
    Nodes nodes = new Nodes();
    ManualTimeSource time = nodes.time;
    String operator = nodes.operator;
    SharedHistory history = nodes.history;
    java.util.function.Supplier<MonetizeBuilder> node = nodes::builder;
    try (Monetize a = node.get().build(); Monetize b = node.get().build()) {
      a.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = a.keys().issue("acme", Set.of("*"));
      Operation summary = a.catalog().operation("summary").orElseThrow();
      java.util.function.BiFunction<Monetize, Instant, String> planOn = (m, at) -> {
        time.set(at);
        Admission x = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "10.0.0.1", "r", "Bearer " + key.secret(),
            null));
        x.complete(200, 0);
        return x.principal().orElseThrow().plan().name();
      };
      b.applyDuePlanChanges();

      JsonNode now = call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", operator, 200);
      assertThat(now.get("plan").asText()).isEqualTo("basic"); // until every node follows
      assertThat(now.get("scheduled_plan_change").get("plan").asText()).isEqualTo("pro");
      assertThat(now.get("scheduled_plan_change").get("at").asText()).isEqualTo("2026-11-16T00:00:30Z");
      b.applyDuePlanChanges(); // the other node's next sweep: it expects the change
      Instant before = Instant.parse("2026-11-16T00:00:29.999Z");
      Instant after = Instant.parse("2026-11-16T00:00:30Z");
      assertThat(planOn.apply(a, before)).isEqualTo("basic");
      assertThat(planOn.apply(b, before)).isEqualTo("basic");
      assertThat(planOn.apply(a, after)).isEqualTo("pro"); // both at the instant the invoice prorates by
      assertThat(planOn.apply(b, after)).isEqualTo("pro");
      assertThat(history.planChanges("acme", after, after)).extracting(dev.monetize.billing.PlanChange::plan)
          .containsExactly("pro");

      // a period-end change made while a "now" one waits comes after it: the "now" one still happens
      a.applyDuePlanChanges();
      time.set(Instant.parse("2026-11-16T00:01:00Z"));
      call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"basic\"}", operator, 200); // at 00:01:30
      time.set(Instant.parse("2026-11-16T00:01:10Z"));
      JsonNode both = call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\", \"at\": \"period_end\"}",
          operator, 200);
      assertThat(both.get("scheduled_plan_change").get("at").asText()).isEqualTo("2026-12-01T00:00:00Z");
      assertThat(history.planChanges("acme", Instant.parse("2026-11-16T00:01:30Z"),
          Instant.parse("2026-12-01T00:00:01Z"))).extracting(dev.monetize.billing.PlanChange::plan)
          .containsExactly("basic", "pro");
      b.applyDuePlanChanges();
      assertThat(planOn.apply(b, Instant.parse("2026-11-16T00:01:31Z"))).isEqualTo("basic");

      // the plan it is on already: nothing scheduled, any scheduled change cancelled
      a.applyDuePlanChanges();
      call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", operator, 200);
      time.set(Instant.parse("2026-11-16T00:02:05Z")); // its 30 s have passed
      a.applyDuePlanChanges();
      call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"basic\", \"at\": \"period_end\"}", operator, 200);
      JsonNode same = call(a, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"pro\"}", operator, 200);
      assertThat(same.get("plan").asText()).isEqualTo("pro");
      assertThat(same.has("scheduled_plan_change")).isFalse();
    }
  }
}
