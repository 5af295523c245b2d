package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import dev.monetize.plans.StoreOutage;
import dev.monetize.testkit.TcpRelay;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A script that ran in time on Redis but whose reply reached this JVM after the command timeout: the
 * request was answered without Redis ({@code 503}, or by the fallback store), so what the script
 * charged there is given back once the late reply arrives. Replies are held back by a relay in front
 * of the real server, as a slow network or a paused JVM would hold them.
 */
class LateRepliesTest {
  /** Generous: only the replies the relay holds come late, whatever the machine's load. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final long LATE = 3_000; // ms a reply is held: far past the timeout

  private TcpRelay relay;
  private RedisLimiterStore store;
  private String prefix;
  private RedisClient admin;
  private StatefulRedisConnection<String, String> adminConnection;
  private RedisCommands<String, String> redis;
  private final String tag = "{late-" + UUID.randomUUID() + "}:";

  @BeforeEach
  void open() throws Exception {
    RedisTestSupport.requireRedis();
    prefix = RedisTestSupport.freshPrefix();
    admin = RedisClient.create(RedisTestSupport.URI);
    adminConnection = admin.connect();
    redis = adminConnection.sync();
    relay = new TcpRelay(RedisTestSupport.PORT);
    store = RedisLimiterStore.builder().uri("redis://127.0.0.1:" + relay.port() + "/0").keyPrefix(prefix)
        .commandTimeout(TIMEOUT).retryInterval(Duration.ZERO).build();
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (redis != null) {
      RedisTestSupport.deleteKeys(redis, prefix);
      adminConnection.close();
      admin.shutdown();
    }
  }

  /** One call of each kind of limit, as the engine sends a customer's: rate and quota in its hash. */
  private List<LimitRequest> everyKind(String wallet) {
    return List.of(
        new LimitRequest(tag + "rate", new RatePolicy("rate", Rate.of(24, Duration.ofDays(1)).withBurst(5)), 1),
        daily(),
        new LimitRequest(tag + "concurrency", new ConcurrencyPolicy("concurrency", 3), 1),
        new LimitRequest(wallet, new CreditPolicy("credits"), 100));
  }

  private List<Long> remaining(List<LimitRequest> limits) {
    return store.peek(limits, now()).stream().map(PolicyState::remaining).toList();
  }

  private static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  /** Waits until the relay has passed on every reply it held, then holds none from now on. */
  private void repliesFlowAgain() {
    relay.delayReplies(0);
    Awaitility.await("the held replies delivered").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20)).until(() -> relay.held() == 0);
  }

  @Test
  void whatALateReplyChargedIsGivenBackAndTheRequestIsAnsweredWithoutRedis() {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 1_000);
    List<LimitRequest> limits = everyKind(wallet);
    assertThat(store.acquire(limits, now()).admitted()).isTrue();
    List<Long> before = remaining(limits);
    assertThat(before.subList(1, 4)).containsExactly(9L, 2L, 900L);
    assertThat(before.get(0)).as("the rate has room left for another call").isPositive();

    relay.delayReplies(LATE);
    // the quota and the credits fail closed: the request is refused for want of an answer...
    assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    // ...though Redis ran the script in time and charged it (read straight from the server)
    assertThat(redis.get(prefix + wallet)).isEqualTo("800");
    assertThat(redis.zcard(prefix + tag + "concurrency")).isEqualTo(2);

    repliesFlowAgain();
    lateRepliesHandled(1);
    assertThat(store.counters().lateChargesReturned()).isEqualTo(1);
    assertThat(redis.get(prefix + wallet)).isEqualTo("900");
    assertThat(store.credits(wallet)).isEqualTo(900);
    assertThat(remaining(limits)).as("rate, quota, concurrency and credits as before the late call")
        .isEqualTo(before);
    // and the limits go on counting from there
    assertThat(store.acquire(limits, now()).policies()).extracting(PolicyState::remaining)
        .containsExactly(before.get(0) - 1, 8L, 1L, 800L);
  }

  @Test
  void aLateReplyLostWithItsConnectionLeavesTheChargeStandingCounted() {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 1_000);
    List<LimitRequest> limits = everyKind(wallet);

    relay.delayReplies(LATE);
    assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    relay.cut(); // the reply it holds never reaches the store
    lateRepliesHandled(1);
    assertThat(store.counters()).isEqualTo(new dev.monetize.limits.StoreCounters(0, 0, 1));
    assertThat(redis.get(prefix + wallet)).as("the charge stands, as documented").isEqualTo("900");
  }

  /**
   * A connection reset after the script ran loses its reply; Lettuce sends the script again once it
   * reconnects. That second run must not charge again (it ran within the wait before: the request was
   * admitted and charged twice), and the first run's charge, whose reply is lost, is counted as standing.
   */
  @Test
  void aScriptWhoseReplyIsLostWithItsConnectionIsNotChargedTwice() throws Exception {
    lostAfterTheScriptRan(store, () -> { });
  }

  /**
   * A TCP reset fails the script in flight at once (Lettuce does not send it again): it ran and may
   * have charged, so the charge is counted as standing (an end-to-end run with resets found it
   * uncounted).
   */
  @Test
  void aScriptFailedByATcpResetCountsTheChargeAsStanding() throws Exception {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 1_000);
    List<LimitRequest> limits = everyKind(wallet);
    relay.delayReplies(100);
    Thread reset = new Thread(() -> {
      Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2)).until(() -> relay.held() > 0);
      relay.abort();
    });
    reset.start();
    assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    reset.join();
    assertThat(store.counters()).isEqualTo(new dev.monetize.limits.StoreCounters(0, 0, 1));
    assertThat(redis.get(prefix + wallet)).isEqualTo("900");
  }

  /** The same through the application's client, which reconnects at once (Lettuce's default). */
  @Test
  void aScriptWhoseReplyIsLostIsNotChargedTwiceThroughTheApplicationsClient() throws Exception {
    RedisClient client = RedisClient.create();
    try (RedisLimiterStore shared = RedisLimiterStore.builder().client(client)
        .uri("redis://127.0.0.1:" + relay.port() + "/0").keyPrefix(prefix).commandTimeout(TIMEOUT)
        .retryInterval(Duration.ZERO).build()) {
      lostAfterTheScriptRan(shared, () -> { });
    }
    try (var connection = client.connect(io.lettuce.core.RedisURI.create(RedisTestSupport.URI))) {
      assertThat(connection.sync().ping()).as("the store closed; the application's client works on").isEqualTo("PONG");
    } finally {
      client.shutdown();
    }
  }

  /**
   * The connection is lost after the script ran, as when Redis restarts (its scripts with it): the
   * script sent again is answered {@code NOSCRIPT}, and the first run's charge is counted as standing,
   * not taken for a call that never ran.
   */
  @Test
  void aScriptSentAgainToAServerThatForgotItCountsTheChargeAsStanding() throws Exception {
    try {
      lostAfterTheScriptRan(store, () -> redis.scriptFlush());
    } finally { // the other tests count one script call a request: the server knows the scripts again
      redis.scriptLoad(ScriptText.script("acquire.lua"));
      redis.scriptLoad(ScriptText.script("refund.lua"));
    }
  }

  /**
   * Resets the relay's connection once a call's script has run and its reply is held ({@code before}
   * first): the call is answered without Redis, charged once by that first run, and counted standing.
   */
  private void lostAfterTheScriptRan(RedisLimiterStore store, Runnable before) throws InterruptedException {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 1_000);
    List<LimitRequest> limits = everyKind(wallet);

    relay.delayReplies(100); // well within the timeout
    Thread reset = new Thread(() -> {
      Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2)).until(() -> relay.held() > 0);
      before.run();
      relay.reset(); // the script ran (its reply is held): the reply is lost, and the store reconnects
    });
    reset.start();
    assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    reset.join();
    Awaitility.await("the late reply dealt with").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20)).until(() -> store.lateRepliesHandled() == 1);
    assertThat(store.counters()).isEqualTo(new dev.monetize.limits.StoreCounters(0, 0, 1));
    assertThat(redis.get(prefix + wallet)).as("charged once, by the first run, and counted").isEqualTo("900");
  }

  /** A refund whose reply is lost with its connection is sent again by Lettuce: it gives back once. */
  @Test
  void aRefundSentAgainAfterALostConnectionGivesBackOnce() {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 1_000);
    List<LimitRequest> limits = everyKind(wallet);

    relay.delayReplies(LATE); // the call's reply, then the refund's, held past the timeout
    assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    assertThat(redis.get(prefix + wallet)).isEqualTo("900");
    Awaitility.await("the refund ran").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> "1000".equals(redis.get(prefix + wallet)));
    relay.reset(); // its reply is lost: Lettuce sends the refund again once it has reconnected
    relay.delayReplies(0);
    lateRepliesHandled(1);
    assertThat(store.counters()).isEqualTo(new dev.monetize.limits.StoreCounters(0, 1, 0));
    assertThat(redis.get(prefix + wallet)).as("given back once").isEqualTo("1000");
  }

  /**
   * A refund that found nothing to give (the rate's room had come back by itself), sent again after a
   * lost connection: the second run answers what the first did, so nothing is counted as returned.
   */
  @Test
  void aRefundSentAgainAfterItFoundNothingToGiveCountsNothingReturned() {
    List<LimitRequest> limits = List.of(
        new LimitRequest(tag + "fast", new RatePolicy("fast", Rate.of(10, Duration.ofSeconds(1))), 1));

    relay.delayReplies(LATE); // the call's reply, then the refund's, held past the timeout
    assertThat(store.acquire(limits, now()).admitted()).as("decided by the fallback").isTrue();
    Awaitility.await("the refund ran").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> !redis.keys(prefix + tag + "refund:*").isEmpty()); // its marker: the tag, then refund
    relay.reset(); // its reply is lost: Lettuce sends the refund again once it has reconnected
    relay.delayReplies(0);
    lateRepliesHandled(1);
    assertThat(store.counters()).isEqualTo(new dev.monetize.limits.StoreCounters(1, 0, 0));
  }

  @Test
  void aClientOfTheApplicationsOwnSeesLateRepliesToo() {
    RedisClient client = RedisClient.create(); // Lettuce's default options: commands expire at the connection's timeout
    try (RedisLimiterStore shared = RedisLimiterStore.builder().client(client)
        .uri("redis://127.0.0.1:" + relay.port() + "/0").keyPrefix(prefix).commandTimeout(TIMEOUT)
        .retryInterval(Duration.ZERO).build()) {
      String wallet = tag + "credits";
      shared.applyCredits(wallet, "top-up", 1_000);
      List<LimitRequest> limits = everyKind(wallet);
      relay.delayReplies(LATE);
      assertThatThrownBy(() -> shared.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
      assertThat(redis.get(prefix + wallet)).isEqualTo("900");
      repliesFlowAgain();
      Awaitility.await("the late replies dealt with").atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(20)).until(() -> shared.lateRepliesHandled() == 1);
      assertThat(shared.counters().lateChargesReturned()).isEqualTo(1);
      assertThat(redis.get(prefix + wallet)).isEqualTo("1000");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aRequestTheFallbackDecidedIsNotCountedInRedisToo() {
    // every limit fails open: the fallback store in this JVM admits the request and counts it there
    List<LimitRequest> limits = List.of(
        daily()
            .onOutage(StoreOutage.FAIL_OPEN),
        new LimitRequest(tag + "rate", new RatePolicy("rate", Rate.of(24, Duration.ofDays(1)).withBurst(5)), 1));
    assertThat(store.acquire(limits, now()).admitted()).isTrue();
    List<Long> before = remaining(limits);
    assertThat(before.get(0)).isEqualTo(9L);

    relay.delayReplies(LATE);
    LimitVerdict local = store.acquire(limits, now());
    assertThat(local.admitted()).isTrue();
    assertThat(store.counters().fallbackDecisions()).isEqualTo(1);

    repliesFlowAgain();
    lateRepliesHandled(1);
    assertThat(store.counters().lateChargesReturned()).isEqualTo(1);
    assertThat(remaining(limits)).isEqualTo(before);
  }

  @Test
  void aLateRefusalHasNothingToGiveBack() {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 150); // one call's worth: the next is refused
    List<LimitRequest> limits = everyKind(wallet);
    assertThat(store.acquire(limits, now()).admitted()).isTrue();
    List<Long> before = remaining(limits);
    assertThat(before.subList(1, 4)).containsExactly(9L, 2L, 50L);

    relay.delayReplies(LATE);
    assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    repliesFlowAgain();
    lateRepliesHandled(1);
    assertThat(store.counters().lateChargesReturned()).isZero();
    assertThat(remaining(limits)).isEqualTo(before);
    assertThat(redis.get(prefix + wallet)).isEqualTo("50");
  }

  @Test
  void aLateDryRunHasNothingToGiveBack() {
    String wallet = tag + "credits";
    store.applyCredits(wallet, "top-up", 1_000);
    List<LimitRequest> limits = everyKind(wallet);
    List<Long> before = remaining(limits); // would admit: its reply says so, and charged nothing

    relay.delayReplies(LATE);
    assertThatThrownBy(() -> store.peek(limits, now())).isInstanceOf(LimiterUnavailableException.class);
    repliesFlowAgain();
    // in order on the connection: the first check is sent before any refund the late reply's arrival
    // would send, the second after it
    store.peek(limits, now());
    assertThat(remaining(limits)).isEqualTo(before);
    assertThat(redis.get(prefix + wallet)).isEqualTo("1000");
    assertThat(store.lateRepliesHandled()).isZero();
  }

  /**
   * A rate gives back only what of the late call's charge is still held: once the time the call
   * pushed the rate to has passed, the room it took is free again and may be another caller's charge
   * by the time the reply comes. Giving the call's whole cost back then would admit that caller twice.
   */
  @Test
  void aRateGivesBackOnlyWhatTheLateCallStillHolds() throws Exception {
    LimitRequest rate = new LimitRequest(tag + "rate", new RatePolicy("rate", Rate.of(1, Duration.ofSeconds(4))), 1);
    List<LimitRequest> limits = List.of(rate);
    try (RedisLimiterStore direct = RedisLimiterStore.builder().uri(RedisTestSupport.URI).keyPrefix(prefix)
        .commandTimeout(TIMEOUT).build()) {
      relay.delayReplies(6_000); // past the 4 s the late call holds the rate for
      assertThat(store.acquire(limits, now()).admitted()).as("decided by the fallback").isTrue();
      Awaitility.await("charged in Redis meanwhile (the script may reach it after the caller gave up)")
          .atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
          .until(() -> direct.peek(limits, now()).get(0).remaining() == 0);
      Awaitility.await("the late call's room free again").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50)).until(() -> direct.peek(limits, now()).get(0).remaining() == 1);
      assertThat(direct.acquire(limits, now()).admitted()).as("another caller takes the room").isTrue();
      repliesFlowAgain();
      lateRepliesHandled(1);
      assertThat(direct.acquire(limits, now()).admitted()).as("its next call, within its 4 s").isFalse();
    }
  }

  /**
   * A late reply the server ran promptly shows Redis was well (the time went on the way back, or in
   * a pause of this JVM): the rest the timeout began ends, and calls go to Redis again at once rather
   * than failing closed for the whole retry interval.
   */
  @Test
  void aReplyTheServerRanPromptlyEndsTheRestATimeoutBegan() {
    try (RedisLimiterStore resting = resting("redis://127.0.0.1:" + relay.port() + "/0")) {
      List<LimitRequest> limits = List.of(daily()); // fails closed
      relay.delayReplies(LATE);
      assertThatThrownBy(() -> resting.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
      long sent = resting.scriptCalls();
      assertThatThrownBy(() -> resting.acquire(limits, now())).as("resting: refused without asking Redis")
          .isInstanceOf(LimiterUnavailableException.class);
      assertThat(resting.scriptCalls()).isEqualTo(sent);
      repliesFlowAgain();
      Awaitility.await("the late reply dealt with").atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(20)).until(() -> resting.lateRepliesHandled() == 1);
      assertThat(resting.unreachable()).isFalse();
      LimitVerdict back = resting.acquire(limits, now());
      assertThat(back.admitted()).isTrue();
      assertThat(back.policies().get(0).remaining()).as("the late charge given back, this one counted").isEqualTo(9);
    }
  }

  /**
   * A request the server ran after its deadline but answered within the wait (this JVM paused between
   * setting the deadline and sending) fails alone: the store does not rest from a Redis that answered.
   */
  @Test
  void aStaleAnswerWithinTheWaitFailsThatRequestAlone() {
    try (RedisLimiterStore store = resting(RedisTestSupport.URI)) {
      List<LimitRequest> limits = List.of(daily());
      assertThat(store.acquire(limits, now()).admitted()).isTrue();
      store.scripts().skewOffset(-10_000_000_000L); // the deadline it sets is 10 s in the server's past
      assertThatThrownBy(() -> store.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
      assertThat(store.unreachable()).as("no rest").isFalse();
      long calls = store.scriptCalls();
      LimitVerdict next = store.acquire(limits, now()); // the reply set the clocks right again
      assertThat(store.scriptCalls()).isEqualTo(calls + 1);
      assertThat(next.policies().get(0).remaining()).as("the stale one charged nothing").isEqualTo(8);
    }
  }

  /** A reply the server ran late (a paused or overloaded Redis) does not end the rest: Redis was not well. */
  @Test
  void aReplyTheServerRanLateKeepsTheRest() {
    try (RedisLimiterStore resting = resting(RedisTestSupport.URI)) {
      List<LimitRequest> limits = List.of(daily());
      assertThat(resting.acquire(limits, now()).admitted()).isTrue(); // the script loaded, the code warm
      redis.clientPause(TIMEOUT.toMillis() * 2); // nobody's commands run: ours runs after its deadline
      assertThatThrownBy(() -> resting.acquire(limits, now())).isInstanceOf(LimiterUnavailableException.class);
      Awaitility.await("the late reply dealt with").atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(20)).until(() -> resting.lateRepliesHandled() == 1);
      assertThat(resting.unreachable()).as("still resting").isTrue();
      assertThat(resting.counters().lateChargesReturned()).isZero(); // it ran too late to charge
    }
  }

  /** The customer's daily quota of 10: it fails closed, so a request it is in is refused in an outage. */
  private LimitRequest daily() {
    return new LimitRequest(tag + "daily", new QuotaPolicy("daily", 10, QuotaWindow.DAY, BillingAnchor.DEFAULT), 1);
  }

  /** A store on {@code uri} that rests five minutes after a timeout: a test sees whether it rests at all. */
  private RedisLimiterStore resting(String uri) {
    return RedisLimiterStore.builder().uri(uri).keyPrefix(prefix).commandTimeout(TIMEOUT)
        .retryInterval(Duration.ofMinutes(5)).build();
  }

  private void lateRepliesHandled(long count) {
    Awaitility.await("the late replies dealt with").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20)).until(() -> store.lateRepliesHandled() == count);
  }
}
