package dev.monetize.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.cache.CachedResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Single flight: 16 concurrent misses of one key run the endpoint once and all get its answer. */
class FlightsTest {
  @Test
  void sixteenMissesRunTheEndpointOnceAndAllGetItsAnswer() throws Exception {
    Flights flights = new Flights();
    AtomicInteger runs = new AtomicInteger();
    List<String> answers = new CopyOnWriteArrayList<>();
    CountDownLatch joined = new CountDownLatch(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          Flights.Flight f = flights.join("{acme}:c:k");
          joined.countDown();
          if (f.leader()) {
            joined.await(); // every other thread has joined this flight before the endpoint finishes
            runs.incrementAndGet();
            CachedResponse r = CachedResponse.of("op", 200, "application/json",
                "{\"n\":1}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
            flights.land(f, Optional.of(r));
            answers.add(new String(r.body(), StandardCharsets.UTF_8));
          } else {
            answers.add(flights.await(f, Duration.ofSeconds(10)).map(r -> new String(r.body(),
                StandardCharsets.UTF_8)).orElse("none"));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(runs.get()).isEqualTo(1);
    assertThat(answers).hasSize(16).containsOnly("{\"n\":1}");
    assertThat(flights.flying()).isZero();
  }

  @Test
  void aFlightLandedWithoutAnAnswerOrTooSlowLeavesFollowersToRunThemselves() {
    Flights flights = new Flights();
    Flights.Flight leader = flights.join("k");
    Flights.Flight follower = flights.join("k");
    assertThat(leader.leader()).isTrue();
    assertThat(follower.leader()).isFalse();
    assertThat(flights.await(follower, Duration.ofMillis(20))).isEmpty(); // the leader is slow
    flights.land(leader, Optional.empty()); // not cacheable
    assertThat(flights.await(follower, Duration.ofSeconds(1))).isEmpty();
    assertThat(flights.join("k").leader()).isTrue(); // the next miss leads a new flight
  }

  @Test
  void aLeaderThatNeverLandsDoesNotHoldTheKeyAfterAFollowerGaveUp() {
    Flights flights = new Flights();
    Flights.Flight lost = flights.join("{acme}:c:k");
    assertThat(lost.leader()).isTrue();
    Flights.Flight follower = flights.join("{acme}:c:k");
    assertThat(follower.leader()).isFalse();
    assertThat(flights.await(follower, Duration.ofMillis(20))).isEmpty();
    assertThat(flights.flying()).isZero();
    assertThat(flights.join("{acme}:c:k").leader()).isTrue(); // the next miss leads a new flight
  }
}
