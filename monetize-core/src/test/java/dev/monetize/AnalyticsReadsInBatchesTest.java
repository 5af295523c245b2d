package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.billing.PlanChange;
import dev.monetize.insight.AnalyticsTest;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Customer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's reports read their customers' records, plan changes and usage totals in batches,
 * not one customer at a time (on PostgreSQL, 10,000 customers took 6.6 to 11.3 seconds read one by
 * one, under two in batches): a plan change inside the range, a range that cuts a billing period, a
 * customer without calls and calls without a customer's record included. (The upsell's revenue on
 * a suggested plan is still read per customer: few customers, other ranges.) A record or a batch
 * that fails to be read costs single reads for its batch only.
 */
class AnalyticsReadsInBatchesTest {
  private static final class CountedHistory extends ForwardingBillingHistory {
    int alone;
    int batches;
    boolean batchFails;

    @Override
    public List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
      alone++;
      return real.planChanges(customerId, from, to);
    }

    @Override
    public Map<String, List<PlanChange>> planChanges(Collection<String> customerIds, Instant from, Instant to) {
      batches++;
      if (batchFails) {
        throw new IllegalStateException("the batch query failed");
      }
      return real.planChanges(customerIds, from, to);
    }

    @Override
    public List<String> customersBefore(Instant before, int limit) {
      return real.customersBefore(before, limit);
    }
  }

  private static final class CountedStore extends ForwardingCustomerStore {
    int alone;
    int batches;
    /** A customer whose record cannot be read (a time zone this JVM does not know), or none. */
    String unreadable = "";

    @Override
    public Optional<Customer> find(String customerId) {
      alone++;
      if (customerId.equals(unreadable)) {
        throw new java.time.zone.ZoneRulesException("Unknown time-zone ID: Mars/Olympus");
      }
      return super.find(customerId);
    }

    @Override
    public Map<String, Customer> findAll(Collection<String> customerIds) {
      batches++;
      if (customerIds.contains(unreadable)) {
        throw new java.time.zone.ZoneRulesException("Unknown time-zone ID: Mars/Olympus");
      }
      Map<String, Customer> out = new java.util.HashMap<>();
      customerIds.forEach(id -> super.find(id).ifPresent(c -> out.put(id, c)));
      return out;
    }
  }

  /** A shared ledger that counts how it is read. */
  private static final class CountedLedger implements UsageSink, UsageTotals {
    private final List<UsageRecord> records = new ArrayList<>();
    int alone;
    int batches;

    @Override
    public synchronized void accept(List<UsageRecord> batch) {
      records.addAll(batch);
    }

    private synchronized UsageTotals snapshot() {
      return UsageTotals.of(List.copyOf(records));
    }

    @Override
    public Totals totals(String customerId, Instant from, Instant to) {
      alone++;
      return snapshot().totals(customerId, from, to);
    }

    @Override
    public List<Totals> totals(List<Range> ranges) {
      batches++;
      return snapshot().totals(ranges);
    }

    @Override
    public synchronized Set<String> customers(Instant from, Instant to) {
      Set<String> out = new TreeSet<>();
      records.stream().filter(r -> !r.from().isBefore(from) && r.from().isBefore(to)).forEach(r -> out.add(r.customerId()));
      return out;
    }
  }

  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-10T01:00:00Z"));
  private final String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
  private final CountedHistory history = new CountedHistory();
  private final CountedStore store = new CountedStore();
  private final CountedLedger ledger = new CountedLedger();

  /** The analytics scenario's engine on the counted stores. */
  private Monetize engine() {
    return AnalyticsTest.engine(Monetize.builder().billingHistory(history).customerStore(store).usageSink(ledger),
        time, operator);
  }

  @Test
  void costsCustomersAndWhatIfReadEveryCustomerInBatches() throws Exception {
    try (Monetize m = engine()) {
      AnalyticsTest.scenario(m, time); // acme and globex on basic, calls on 2026-11-10
      m.customers().save(Customer.of("idle", "pro")); // a fee, no call
      time.advance(Duration.ofHours(11));
      m.customers().save(Customer.of("acme", "pro")); // a plan change inside the ranges below
      time.set(Instant.parse("2026-11-20T00:00:00Z"));
      m.flushUsage();
      for (String report : List.of("costs?from=2026-11-10T00:00:00Z&to=2026-11-10T12:00:00Z",
          "costs?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z", "customers?from=2026-11-01T00:00:00Z&to=2026-11-15T00:00:00Z",
          "what-if")) {
        history.alone = 0;
        store.alone = 0;
        ledger.alone = 0;
        history.batches = 0;
        store.batches = 0;
        ledger.batches = 0;
        JsonNode body = report.equals("what-if") ? post(m, "/monetize/analytics/what-if", "{\"plan\": \"pro\"}", operator)
            : AnalyticsTest.get(m, "/monetize/analytics/" + report, operator);
        assertThat(body.get("skipped")).as(report).isEmpty();
        assertThat(List.of(store.alone, history.alone, ledger.alone)).as("%s: reads of one customer (records, plan "
            + "changes, totals)", report).containsOnly(0);
        assertThat(List.of(store.batches, history.batches)).as(report).containsOnly(1);
        assertThat(ledger.batches).as(report).isBetween(1, 2);
        if (report.startsWith("costs?from=2026-11-01")) {
          assertThat(body.get("totals").get("calls").asLong()).isEqualTo(40);
          assertThat(body.get("customers")).extracting(r -> r.get("customer_id").asText())
              .contains("acme", "globex", "idle");
        }
        if (report.equals("what-if")) {
          assertThat(body.get("customers")).extracting(r -> r.get("customer_id").asText())
              .containsExactlyInAnyOrder("acme", "globex", "idle");
        }
      }
    }
  }

  /**
   * What cannot be read in a batch is read alone, for its batch only, and named in the report: a
   * record (all but it still counted), the plan changes (read per customer). Calls of a customer
   * without a record are costed from the same batches; a what-if candidate that does not fit is
   * refused before anything is read.
   */
  @Test
  void whatFailsInABatchIsReadAloneAndNamedAndABadCandidateReadsNothing() throws Exception {
    try (Monetize m = engine()) {
      AnalyticsTest.scenario(m, time);
      m.customers().save(Customer.of("mars", "basic"));
      Instant t = Instant.parse("2026-11-10T02:00:00Z");
      ledger.accept(List.of(new UsageRecord("ghost", "k", "summary", 200, false, t, t.plusSeconds(1), 5, 0, 10)));
      time.set(Instant.parse("2026-11-20T00:00:00Z"));
      m.flushUsage();
      store.unreadable = "mars";
      store.alone = 0;
      ledger.alone = 0;
      String costs = "costs?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z";
      JsonNode body = AnalyticsTest.get(m, "/monetize/analytics/" + costs, operator);
      assertThat(body.get("skipped")).extracting(r -> r.get("customer_id").asText()).containsExactly("mars");
      assertThat(body.get("skipped").get(0).get("reason").asText()).contains("Mars/Olympus");
      assertThat(body.get("totals").get("calls").asLong()).isEqualTo(45); // acme 10, globex 30, ghost 5
      assertThat(store.alone).as("the failed batch's customers, read alone").isEqualTo(4); // acme, ghost, globex, mars
      assertThat(ledger.alone).as("totals, ghost's too, read in batches").isZero();
      store.unreadable = "";
      history.batchFails = true;
      history.alone = 0;
      JsonNode again = AnalyticsTest.get(m, "/monetize/analytics/" + costs, operator);
      assertThat(again.get("skipped")).isEmpty();
      assertThat(again.get("totals").get("revenue")).isEqualTo(body.get("totals").get("revenue"));
      assertThat(history.alone).as("plan changes read per customer once the batch failed").isPositive();
      history.batchFails = false;
      ledger.batches = 0;
      store.batches = 0;
      ManagementApi.Response bad = m.managementApi().handle(ManagementApi.Request.withRawQuery("POST",
          "/monetize/analytics/what-if", null, Optional.of("Bearer " + operator), Optional.empty(),
          "{\"plan\": {\"name\": \"x\", \"rank\": 3, \"rate\": {\"count\": 5, \"period\": \"1s\", \"burst\": 5}, \"quotas\": [{\"limit\": 5, \"window\": \"day\"}], \"prices\": {\"nope\": {\"amount\": \"1\", \"currency\": \"USD\", \"unit\": \"call\"}}}}".getBytes(StandardCharsets.UTF_8),
          "10.0.0.9", "req"));
      assertThat(bad.status()).as(new String(bad.body(), StandardCharsets.UTF_8)).isEqualTo(400);
      assertThat(List.of(store.batches, ledger.batches)).as("nothing read for a candidate refused").containsOnly(0);
    }
  }

  private static JsonNode post(Monetize m, String path, String body, String secret) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(ManagementApi.Request.withRawQuery("POST", path, null,
        Optional.of("Bearer " + secret), Optional.empty(), body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
    assertThat(r.status()).isEqualTo(200);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(new String(r.body(), StandardCharsets.UTF_8));
  }
}
