package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * What only the in-memory store has: sweeping idle state and repeated keys in one call. The SPI
 * contract runs on it in {@code monetize-testkit} ({@code InMemoryLimiterStoreTest} there).
 */
class InMemoryLimiterStoreInternalsTest {
  private static final long NOW = java.time.Instant.parse("2026-01-15T12:00:00Z").getEpochSecond() * 1_000_000_000L;

  private static String key(String name) {
    return "{t}:" + name + ":" + java.util.UUID.randomUUID();
  }

  private static LimitRequest quota(String key, long limit) {
    return new LimitRequest(key, new QuotaPolicy("daily", limit, dev.monetize.plans.QuotaWindow.DAY,
        dev.monetize.plans.BillingAnchor.DEFAULT), 1);
  }

  private static LimitRequest rate(String key, long perSecond, long burst) {
    return new LimitRequest(key, new RatePolicy("rate", dev.monetize.plans.Rate.perSecond(perSecond).withBurst(burst)), 1);
  }

  @Test
  void idleStateIsSweptWithoutChangingDecisions() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest q = quota(key("daily"), 2);
    LimitRequest r = rate(key("rate"), 10, 0);
    store.acquire(List.of(r, q), NOW);
    assertThat(store.size()).isEqualTo(2);
    // an hour later the rate state is irrelevant, the daily count is not
    long later = NOW + 3_600_000_000_000L;
    store.sweepNow(later);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.rawValue(q.key())).isEqualTo(1);
    assertThat(store.acquire(List.of(r, q), later).admitted()).isTrue();
    assertThat(store.acquire(List.of(r, q), later + 200_000_000L).admitted()).isFalse(); // quota used up
    // after the day ends everything is forgotten
    store.sweepNow(NOW + 86_400_000_000_000L);
    assertThat(store.size()).isZero();
  }

  @Test
  void callsSweepOnceASecondOfTheirClockWhateverTheirNumber() {
    InMemoryLimiterStore store = new InMemoryLimiterStore(() -> 0); // every sweep takes no time
    long second = IdleCellSweep.SWEEP_INTERVAL_NANOS;
    LimitRequest busy = rate(key("busy"), 1_000_000, 1_000_000);
    LimitRequest once = rate(key("once"), 10, 0);
    store.tryAcquire(busy, NOW); // the first call sweeps (nothing to retire); the next is due a second on
    store.tryAcquire(once, NOW); // full again 100 ms on, idle a second after that
    store.tryAcquire(busy, NOW + second); // a sweep; "once" is not idle yet
    for (int i = 0; i < 100_000; i++) { // "once" is idle, but a second has not passed since the last sweep
      store.tryAcquire(busy, NOW + 2 * second - 1);
    }
    assertThat(store.size()).as("swept before a second of the callers' clock passed").isEqualTo(2);
    store.tryAcquire(busy, NOW + 2 * second);
    assertThat(store.rawValue(once.key())).as("the call that finds the sweep due retires the idle cell").isEqualTo(-1);
    assertThat(store.size()).isEqualTo(1);
    // a clock set back by more than an interval from the last sweep starts the schedule again from its time
    LimitRequest early = rate(key("early"), 10, 0);
    long back = NOW - 10 * second;
    store.tryAcquire(early, back);
    store.tryAcquire(rate(key("later"), 10, 0), back + 3 * second);
    assertThat(store.rawValue(early.key())).as("swept on the clock that went back").isEqualTo(-1);
  }

  @Test
  void aLongSweepWaitsAHundredTimesItsDurationForTheNext() {
    long[] real = {0};
    InMemoryLimiterStore store = new InMemoryLimiterStore(() -> real[0] += 50_000_000L); // each sweep: 50 ms
    long second = IdleCellSweep.SWEEP_INTERVAL_NANOS;
    LimitRequest busy = rate(key("busy"), 1_000_000, 1_000_000);
    LimitRequest once = rate(key("once"), 10, 0);
    store.tryAcquire(once, NOW); // sweeps: the next is due 5 s on, not 1
    for (long t = NOW + 1; t < NOW + 5 * second; t += second / 4) { // "once" is idle from 1.1 s on
      store.tryAcquire(busy, t);
    }
    assertThat(store.rawValue(once.key())).as("no sweep within 100 times the last one's duration").isNotEqualTo(-1);
    long sweepsSoFar = real[0];
    store.tryAcquire(busy, NOW + 5 * second);
    assertThat(store.rawValue(once.key())).as("the sweep due after 5 s retires it").isEqualTo(-1);
    assertThat(real[0] - sweepsSoFar).as("one sweep, timed by two reads").isEqualTo(100_000_000L);
  }

  /**
   * {@code n} daily quotas charged at {@code NOW}, in use all day (the first call sweeps an empty
   * store); returns the first, to make calls with.
   */
  private static List<LimitRequest> quotasInUse(InMemoryLimiterStore store, int n) {
    List<LimitRequest> first = List.of(quota(key("q0"), 1_000_000));
    store.acquire(first, NOW);
    for (int i = 1; i < n; i++) {
      store.acquire(List.of(quota(key("q" + i), 1_000_000)), NOW);
    }
    return first;
  }

  @Test
  void aPassOverManyKeysIsSpreadOverCallsASliceEach() {
    long ms = 1_000_000L;
    long[] real = {0};
    InMemoryLimiterStore store = new InMemoryLimiterStore(() -> real[0] += 5 * ms); // each slice takes 5 ms
    int slice = IdleCellSweep.SWEEP_SLICE;
    // two slices' worth of quota cells in use all day, one slice's worth of rate cells idle soon
    List<LimitRequest> caller = quotasInUse(store, 2 * slice);
    for (int i = 0; i < slice; i++) {
      store.tryAcquire(rate(key("r" + i), 10, 0), NOW);
    }
    store.sweepNow(NOW + 1_000 * ms); // a whole pass (nothing idle yet) that took 5 ms: the next is due 1 s on
    long t = NOW + 2_000 * ms; // the rate cells are idle by now
    store.acquire(caller, t); // slice 1 of 3: the next is due 100 x 5 ms on
    assertThat(store.size()).as("one slice does not see every idle cell").isGreaterThan(2 * slice);
    long reads = real[0];
    store.acquire(caller, t + 250 * ms);
    assertThat(real[0]).as("no slice before 100 times the last one's duration").isEqualTo(reads);
    store.acquire(caller, t + 500 * ms); // slice 2
    store.acquire(caller, t + 1_000 * ms); // slice 3, the last: the pass took 15 ms, the next starts 1.5 s after it
    assertThat(store.size()).as("slice after slice, the pass saw every cell: no idle one is left").isEqualTo(2 * slice);
    reads = real[0];
    store.acquire(caller, t + 1_200 * ms);
    assertThat(real[0]).as("the next pass waits 100 times the whole pass's 15 ms, from its start").isEqualTo(reads);
    store.acquire(caller, t + 1_500 * ms);
    assertThat(real[0]).as("1.5 s after the last pass started, the next one does").isEqualTo(reads + 10 * ms);
  }

  @Test
  void aCallLongAfterASliceWasDueTakesAsManySlicesAsItMissed() {
    long ms = 1_000_000L;
    long[] real = {0};
    InMemoryLimiterStore store = new InMemoryLimiterStore(() -> real[0] += 5 * ms); // each slice takes 5 ms
    List<LimitRequest> caller = quotasInUse(store, 5 * IdleCellSweep.SWEEP_SLICE);
    store.sweepNow(NOW + 1_000 * ms); // the next pass is due 1 s on
    store.acquire(caller, NOW + 2_000 * ms); // slice 1 of 5, on time: the next is due 500 ms on
    store.acquire(caller, NOW + 4_000 * ms); // 1.5 s late, three gaps: four slices, the rest of the pass
    long reads = real[0];
    store.acquire(caller, NOW + 4_001 * ms);
    assertThat(real[0]).as("the pass is through and the next one due (it started 2 s ago)").isEqualTo(reads + 10 * ms);
  }

  @Test
  void sameKeyTwiceInOneCallIsChargedTwiceOrNotAtAll() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest q = quota(key("daily"), 3);
    assertThat(store.acquire(List.of(q, q), NOW).admitted()).isTrue();
    assertThat(store.rawValue(q.key())).isEqualTo(2);
    assertThat(store.acquire(List.of(q, q), NOW).admitted()).isFalse();
    assertThat(store.rawValue(q.key())).isEqualTo(2);
  }

  /**
   * One rate cell driven at once through the lock-free path (with and without state) and the
   * locked all-or-nothing path beside a quota: the burst is admitted exactly, and the quota is
   * charged exactly for the locked calls that were admitted.
   */
  @RepeatedTest(5)
  void lockFreeAndLockedCallsOnOneRateAdmitTheBurstExactly() throws Exception {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    int burst = 20_000;
    LimitRequest r = new LimitRequest(key("rate"), new RatePolicy("rate",
        dev.monetize.plans.Rate.of(1, java.time.Duration.ofDays(1)).withBurst(burst - 1)), 1);
    LimitRequest q = quota(key("daily"), Long.MAX_VALUE / 4);
    int threads = 8;
    java.util.concurrent.atomic.AtomicLong admitted = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong lockedAdmitted = new java.util.concurrent.atomic.AtomicLong();
    runConcurrently(threads, t -> {
      for (int i = 0; i < 4_000; i++) {
        switch ((t + i) % 4) {
          case 0 -> {
            if (store.tryAcquire(r, NOW)) {
              admitted.incrementAndGet();
            }
          }
          case 3 -> { // what the engine calls: rate and quota packed, two monitors
            if (store.acquirePacked(List.of(q, r), NOW).admitted()) {
              admitted.incrementAndGet();
              lockedAdmitted.incrementAndGet();
            }
          }
          case 1 -> {
            if (store.acquire(List.of(r), NOW).admitted()) {
              admitted.incrementAndGet();
            }
          }
          default -> {
            if (store.acquire(List.of(q, r), NOW).admitted()) {
              admitted.incrementAndGet();
              lockedAdmitted.incrementAndGet();
            }
          }
        }
      }
    });
    assertThat(admitted.get()).isEqualTo(burst);
    assertThat(store.rawValue(q.key())).isEqualTo(lockedAdmitted.get());
    assertThat(store.tryAcquire(r, NOW)).isFalse();
  }

  /**
   * The sweep retires a rate cell while lock-free and locked calls race for it: one unit per
   * interval, every interval, never two and never none.
   */
  @RepeatedTest(3)
  void sweepingRacesNeitherLoseNorDoubleAnInterval() throws Exception {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest r = rate(key("rate"), 1, 0);
    LimitRequest q = quota(key("daily"), Long.MAX_VALUE / 4);
    int rounds = 300;
    int threads = 4;
    java.util.concurrent.atomic.AtomicLongArray perRound = new java.util.concurrent.atomic.AtomicLongArray(rounds);
    java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads);
    runConcurrently(threads, t -> {
      for (int k = 0; k < rounds; k++) {
        long now = NOW + k * 1_000_000_000L;
        await(barrier);
        if (t == 0) {
          store.sweepNow(now + LimiterCell.IDLE_NANOS); // last round's state is idle by now: retired under the others' feet
        } else if (t == 1) {
          store.peek(List.of(r, q), now); // a usage report locking the same cells
        }
        for (int i = 0; i < 4; i++) {
          boolean ok = switch ((t + i) % 4) {
            case 0 -> store.tryAcquire(r, now);
            case 1 -> store.acquire(List.of(r), now).admitted();
            case 2 -> store.acquirePacked(List.of(r), now).admitted();
            default -> store.acquire(List.of(r, q), now).admitted();
          };
          if (ok) {
            perRound.incrementAndGet(k);
          }
        }
      }
    });
    for (int k = 0; k < rounds; k++) {
      assertThat(perRound.get(k)).as("units admitted in interval %d", k).isEqualTo(1);
    }
  }

  @Test
  void aRetiredCellStaysFrozenWhateverLocksItLater() {
    LimiterCell cell = new LimiterCell(1, LimiterCell.RATE);
    synchronized (cell) {
      assertThat(cell.retireIfIdle(NOW)).isTrue(); // never charged: idle
    }
    synchronized (cell) { // what a late peek or sweep does with a cell it looked up before
      cell.freeze();
      cell.thaw();
    }
    // a caller still holding the cell must look the key up again, never charge the dead cell
    assertThat(cell.tryRate(1_000_000L, 10_000_000L, 1, NOW)).isEqualTo(LimiterCell.RETIRED);
  }

  @Test
  void peekingARetiredCellNeitherRevivesItNorReportsStaleState() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest r = rate(key("rate"), 10, 0);
    assertThat(store.tryAcquire(r, NOW)).isTrue();
    store.sweepNow(NOW + 3_600_000_000_000L);
    assertThat(store.peek(List.of(r), NOW + 3_600_000_000_000L).get(0).remaining()).isEqualTo(1);
    assertThat(store.tryAcquire(r, NOW + 3_600_000_000_000L)).isTrue();
    assertThat(store.tryAcquire(r, NOW + 3_600_000_000_000L)).isFalse();
  }

  @Test
  void aKeyInSteadyUseIsNotSweptButOneIdleForASecondIs() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest r = rate(key("rate"), 10, 0);
    assertThat(store.tryAcquire(r, NOW)).isTrue();
    long refilled = NOW + 100_000_000L; // its bucket is full again: the state no longer matters
    store.sweepNow(refilled);
    assertThat(store.size()).as("not retired and made again on every sweep").isEqualTo(1);
    store.sweepNow(refilled + LimiterCell.IDLE_NANOS);
    assertThat(store.size()).isZero();
  }

  @Test
  void eachKindOfCellIsRetiredOnlyOnceItsStateStopsMattering() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    long aYearLater = NOW + 366 * 86_400_000_000_000L;
    // requests in flight: kept while one is, retired once none is
    LimitRequest inFlight = new LimitRequest(key("concurrency"), new ConcurrencyPolicy("concurrency", 2), 1);
    LimitVerdict held = store.acquire(List.of(inFlight), NOW);
    store.sweepNow(aYearLater);
    assertThat(store.rawValue(inFlight.key())).as("a request still in flight").isEqualTo(1);
    store.release(List.of(inFlight), held);
    store.sweepNow(aYearLater);
    assertThat(store.rawValue(inFlight.key())).as("none in flight: retired").isEqualTo(-1);
    assertThat(store.acquire(List.of(inFlight), aYearLater).policies().get(0).remaining()).isEqualTo(1);

    // a balance: never, spent to zero or not
    LimitRequest spent = new LimitRequest(key("credits"), new CreditPolicy("credits"), 5);
    LimitRequest left = new LimitRequest(key("credits"), new CreditPolicy("credits"), 5);
    store.applyCredits(spent.key(), "top-up-1", 5);
    store.applyCredits(left.key(), "top-up-1", 7);
    assertThat(store.acquire(List.of(spent), NOW).admitted()).isTrue();
    assertThat(store.acquire(List.of(left), NOW).admitted()).isTrue();
    store.sweepNow(aYearLater);
    assertThat(store.rawValue(spent.key())).as("a balance spent to zero").isZero();
    assertThat(store.credits(left.key())).as("a balance left").isEqualTo(2);
    assertThat(store.applyCredits(left.key(), "top-up-2", 1).balance()).isEqualTo(3);

    // a quota never charged (its call refused by the rate beside it): at once; a charged one when its window ends
    LimitRequest rate = rate(key("rate"), 1, 0);
    LimitRequest untouched = quota(key("daily"), 5);
    LimitRequest charged = quota(key("daily"), 5);
    assertThat(store.acquire(List.of(rate, charged), NOW).admitted()).isTrue();
    assertThat(store.acquire(List.of(rate, untouched), NOW).admitted()).isFalse();
    assertThat(store.rawValue(untouched.key())).as("made by the refused call").isZero();
    store.sweepNow(NOW + LimiterCell.IDLE_NANOS + 1_000_000_000L);
    assertThat(store.rawValue(untouched.key())).as("never charged: retired").isEqualTo(-1);
    assertThat(store.rawValue(rate.key())).as("its bucket full again for a second: retired").isEqualTo(-1);
    assertThat(store.rawValue(charged.key())).as("counting in its window").isEqualTo(1);
    store.sweepNow(NOW + 86_400_000_000_000L + LimiterCell.IDLE_NANOS);
    assertThat(store.rawValue(charged.key())).as("its window over").isEqualTo(-1);
  }

  @Test
  void aKeyHoldsOneKindOfLimit() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest q = quota(key("daily"), 5);
    assertThat(store.acquire(List.of(q), NOW).admitted()).isTrue();
    LimitRequest sameKeyAsRate = new LimitRequest(q.key(), rate(q.key(), 1, 0).policy(), 1);
    assertThatThrownBy(() -> store.acquire(List.of(sameKeyAsRate), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds the state of a quota, not of a rate");
    assertThatThrownBy(() -> store.tryAcquire(sameKeyAsRate, NOW)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.applyCredits(q.key(), "top-up", 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of a credit balance");
    assertThatThrownBy(() -> store.credits(q.key())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.peek(List.of(sameKeyAsRate), NOW)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.rawValue(q.key())).as("the quota's count untouched").isEqualTo(1);
  }

  @Test
  void theLockFreeCheckAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest r = rate(key("rate"), 1_000_000_000, 1_000_000_000);
    for (int i = 0; i < 200_000; i++) {
      store.tryAcquire(r, NOW + i); // warm up: the cell exists, the code is compiled
    }
    long self = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(self);
    for (int i = 0; i < 100_000; i++) {
      store.tryAcquire(r, NOW + 200_000 + i);
    }
    long allocated = threads.getThreadAllocatedBytes(self) - before;
    // an occasional sweep allocates its iterator; one object per call would be 1.6 MB
    assertThat(allocated).isLessThan(10_000);
  }

  private interface Worker {
    void run(int thread) throws Exception;
  }

  private static void runConcurrently(int threads, Worker worker) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          worker.run(thread);
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        f.get(2, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(java.util.concurrent.CyclicBarrier barrier) {
    try {
      barrier.await(1, java.util.concurrent.TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("a worker did not reach the barrier", e);
    }
  }
  /**
   * What the engine adds to a quota after a restart lands in the window that holds the restore's
   * instant; once a later call moved the cell on to the next window, nothing is added (those units
   * belong to the window that ended).
   */
  @Test
  void aRestoreAddsToItsWindowAndNeverToTheNextOne() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest daily = quota(key("daily"), 10);
    long day = 86_400_000_000_000L;
    store.restore(daily, 4, NOW);
    assertThat(store.rawValue(daily.key())).isEqualTo(4);
    assertThat(store.acquire(List.of(daily), NOW).admitted()).isTrue();
    store.restore(daily, 3, NOW); // the engine restores a cell once; the store adds what it is given
    assertThat(store.rawValue(daily.key())).isEqualTo(8);
    assertThat(store.acquire(List.of(daily), NOW + day).admitted()).isTrue(); // the next day: 1 used
    store.restore(daily, 7, NOW); // a restore read on the day before, arriving late
    assertThat(store.rawValue(daily.key())).isEqualTo(1);
    assertThatThrownBy(() -> store.restore(daily, -1, NOW)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.restore(rate(key("rate"), 1, 1), 1, NOW)).isInstanceOf(IllegalArgumentException.class);
  }
}
