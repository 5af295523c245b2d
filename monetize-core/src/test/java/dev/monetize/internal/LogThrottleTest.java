package dev.monetize.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One line per period, the rest counted: a failure repeated at will never floods the log. */
class LogThrottleTest {
  @Test
  void theFirstLineGoesThroughAndTheRestOfThePeriodIsCounted() {
    LogThrottle throttle = new LogThrottle(Duration.ofHours(1));
    assertThat(throttle.due()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.due()).isFalse();
    }
    assertThat(throttle.heldBack()).isEqualTo(5);
    assertThat(throttle.heldBack()).as("counting starts again").isZero();
  }

  @Test
  void withoutAPeriodEveryLineGoesThrough() {
    LogThrottle throttle = new LogThrottle(Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.due()).isTrue();
    }
    assertThat(throttle.heldBack()).isZero();
  }

  @Test
  void callersRacingForOnePeriodLetOneLineThrough() throws Exception {
    LogThrottle throttle = new LogThrottle(Duration.ofHours(1));
    int callers = 8;
    int each = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Integer>> let = new ArrayList<>();
      for (int t = 0; t < callers; t++) {
        let.add(pool.submit(() -> {
          start.await();
          int through = 0;
          for (int i = 0; i < each; i++) {
            through += throttle.due() ? 1 : 0;
          }
          return through;
        }));
      }
      start.countDown();
      int through = 0;
      for (Future<Integer> f : let) {
        through += f.get();
      }
      assertThat(through).isEqualTo(1);
      assertThat(throttle.heldBack()).isEqualTo((long) callers * each - 1);
    } finally {
      pool.shutdownNow();
    }
  }
}
