package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.postgres.PostgresTestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} under load loses no answered call and counts none twice: the example runs as a
 * separate process with a usage journal ({@code MONETIZE_DATA_DIR}) and the PostgreSQL ledger
 * ({@code MONETIZE_JDBC_URL}); it is killed twice while four clients call it, restarted each time,
 * and finally stopped; the ledger then holds every 2xx answer the clients saw. A fifth start counts
 * the daily quota (in memory: no Redis) from every call the ledger holds.
 */
class CrashRecoveryTest {
  private static final int CLIENTS = 4;
  private static final int ANSWERS_BEFORE_KILL = 600;

  @TempDir
  Path dataDir;
  private String url;

  @BeforeEach
  void freshSchema() {
    url = PostgresTestSupport.freshSchema(); // skips without PostgreSQL, fails on CI
  }

  @AfterEach
  void dropSchema() {
    if (url != null) {
      PostgresTestSupport.drop(url);
    }
  }

  @Test
  void killMinusNineUnderLoadLosesNoAnsweredCallAndCountsNoneTwice() throws Exception {
    java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    Map<String, String> env = Map.of("PORT", "0", "MONETIZE_JDBC_URL", url,
        "MONETIZE_DATA_DIR", dataDir.toString());
    Load total = new Load();
    for (int round = 0; round < 2; round++) {
      try (ExampleProcess p = ExampleProcess.start(AnalyticsServer.class, env)) {
        total.add(drive(p, true)); // kills it mid-load; closing then only removes its log
      }
    }
    try (ExampleProcess p = ExampleProcess.start(AnalyticsServer.class, env)) {
      total.add(drive(p, false)); // a few calls after the last restart, then a graceful stop
      p.stop();
      long ledger = successfulCallsInLedger();
      assertThat(total.ok).as("2xx answers seen").isGreaterThanOrEqualTo(2L * ANSWERS_BEFORE_KILL);
      // every answered call is billed once; a call cut off by the kill may have been metered
      // (its response was on its way) but it was never answered, so it is at most the cut-off calls
      assertThat(ledger).as("successful calls in the ledger; stderr:\n%s", p.stderr())
          .isBetween(total.ok, total.ok + total.cutOff);
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM monetize_usage")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isPositive();
      }
    }
    try (ExampleProcess p = ExampleProcess.start(AnalyticsServer.class, env)) {
      HttpResponse<String> usage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + p.port() + "/monetize/usage")).header("X-API-Key", p.demoKey("enterprise"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
      org.junit.jupiter.api.Assumptions.assumeTrue(day.equals(java.time.LocalDate.now(java.time.ZoneOffset.UTC)),
          "the test ran across midnight (UTC): the daily quota started again");
      long remaining = -1;
      for (com.fasterxml.jackson.databind.JsonNode limit : new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(usage.body()).path("limits")) {
        if (limit.path("name").asText().equals("daily")) {
          remaining = limit.path("remaining").asLong();
        }
      }
      assertThat(remaining).as("the daily quota after restarts: %s", usage.body())
          .isEqualTo(10_000_000L - callsInLedger());
    }
  }

  /** Calls answered 2xx, other answers, and calls cut off by the end of the process. */
  private static final class Load {
    long ok;
    long other;
    long cutOff;

    void add(Load l) {
      ok += l.ok;
      other += l.other;
      cutOff += l.cutOff;
    }
  }

  /**
   * Four clients call the service; with {@code untilKilled}, the process is killed once they have
   * {@link #ANSWERS_BEFORE_KILL} 2xx answers and each client stops at its first failed call;
   * otherwise each makes 25 calls.
   */
  private Load drive(ExampleProcess p, boolean untilKilled) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + "/v1/stats/summary"))
        .header("X-API-Key", p.demoKey("enterprise")).build();
    AtomicLong ok = new AtomicLong();
    AtomicLong other = new AtomicLong();
    AtomicLong cutOff = new AtomicLong();
    CountDownLatch enough = new CountDownLatch(1);
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Thread t = new Thread(() -> {
        for (int n = 0; untilKilled || n < 25; n++) {
          try {
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 == 2) {
              if (ok.incrementAndGet() >= ANSWERS_BEFORE_KILL) {
                enough.countDown();
              }
            } else {
              other.incrementAndGet();
            }
          } catch (IOException e) {
            cutOff.incrementAndGet();
            return;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "client-" + i);
      t.start();
      clients.add(t);
    }
    if (untilKilled) {
      assertThat(enough.await(120, TimeUnit.SECONDS)).as("answers before the kill; stderr:\n%s", p.stderr()).isTrue();
      p.kill(); // mid-load: the clients are still calling
    }
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(120));
      assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
    }
    Load l = new Load();
    l.ok = ok.get();
    l.other = other.get();
    l.cutOff = cutOff.get();
    if (!untilKilled) {
      assertThat(l.cutOff).as("calls failed while the service was up; stderr:\n%s", p.stderr()).isZero();
    }
    return l;
  }

  private long successfulCallsInLedger() throws SQLException {
    return callsInLedger(" AND status BETWEEN 200 AND 299");
  }

  /** Every call of the demo enterprise customer in the ledger, whatever its answer: each was charged to its quotas. */
  private long callsInLedger() throws SQLException {
    return callsInLedger("");
  }

  private long callsInLedger(String andCondition) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM monetize_usage"
            + " WHERE customer_id = 'demo-enterprise'" + andCondition)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
