package dev.monetize.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Opt-in token leasing for hot customers, rate limits only: in front of a shared store (Redis), each
 * instance charges a customer's rates for a small batch of calls at once and admits the batch
 * locally, so a customer at tens of thousands of calls per second costs its Redis slot one round
 * trip per batch instead of one per call. A request with any other limit (a paid quota, credits,
 * concurrency) or a soft limit always goes to the shared store, exactly as without leasing.
 *
 * <p>The batch follows demand: it is the number of calls this instance saw for the same limits in
 * the previous {@link Builder#maxAge} (at least 1, at most {@link Builder#maxBatch}, and never more
 * than a rate's burst admits at once), so a customer calling once in a while is charged one call at
 * a time, as in the exact mode, and sees the same answers.
 *
 * <p><b>The bound.</b> Every leased call was charged by the shared store's GCRA when it was leased,
 * and a lease is spent within {@code maxAge} (by this JVM's monotonic clock) or dropped. So in any
 * interval of length {@code W}, all instances together admit at most what the exact mode admits in
 * {@code W + maxAge}: {@code burst + 1 + rate x (W + maxAge)}. The over-admission is at most
 * {@code rate x maxAge} calls, whatever the number of instances (for 10,000/s and 50 ms: 500 calls).
 * The cost on the other side: calls leased but not used before the lease expires are lost to the
 * customer until the rate refills (at most one batch per instance).
 *
 * <p>A refusal of one call is remembered until its retry time: charges only ever push a rate's
 * next admission later, so no instance can make it come sooner, and a hot customer over its rate
 * costs one round trip per retry interval, not one per refused call.
 *
 * <pre>{@code
 * LimiterStore store = RateLeasing.over(RedisLimiterStore.builder().endpoint(cluster).build())
 *     .maxBatch(64).maxAge(Duration.ofMillis(50)).build();
 * }</pre>
 */
public final class RateLeasing implements LimiterStore, AutoCloseable {
  /** How long a call waits for the batch another thread is charging before it goes to the shared store alone. */
  private static final long REFILL_WAIT_NANOS = 1_000_000L;
  private final LimiterStore shared;
  private final int maxBatch;
  private final long maxAgeNanos;
  private final LongSupplier ticker;
  /** Leases by list identity (weak keys): the engine sends the same list for a customer's every request. */
  private final Cache<List<LimitRequest>, Lease> leases = Caffeine.newBuilder().weakKeys().maximumSize(200_000).build();

  private RateLeasing(Builder b) {
    this.shared = b.shared;
    this.maxBatch = b.maxBatch;
    this.maxAgeNanos = b.maxAge.toNanos();
    this.ticker = b.ticker;
  }

  /** Leasing in front of {@code shared}. */
  public static Builder over(LimiterStore shared) {
    return new Builder(Objects.requireNonNull(shared, "shared"));
  }

  /** Calls of one list of limits on this instance: the lease and the demand it is sized by. */
  private static final class Lease {
    long[] tokens;
    long expires;
    long windowStart;
    long calls;
    long previousCalls;
    /** The shared store's answer at the last charge: its remaining counts exclude the whole batch. */
    List<PolicyState> charged = List.of();
    /** The shared store's last refusal of one call, and until when (ticker time) it stands. */
    List<PolicyState> refused;
    long refusedUntil;
    /** Whether a thread is charging a batch now (the others wait up to 1 ms, then go alone). */
    boolean refilling;
  }

  @Override
  public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
    if (!leasable(requests)) {
      return shared.acquire(requests, nowEpochNanos);
    }
    Lease lease = leases.get(requests, k -> new Lease());
    int n = requests.size();
    long tick;
    long batch;
    synchronized (lease) {
      tick = ticker.getAsLong();
      if (tick - lease.windowStart >= maxAgeNanos) {
        lease.previousCalls = tick - lease.windowStart < 2 * maxAgeNanos ? lease.calls : 0;
        lease.calls = 0;
        lease.windowStart = tick;
      }
      lease.calls++;
      long waitUntil = 0;
      while (true) {
        if (lease.tokens != null && tick - lease.expires < 0 && covers(lease.tokens, requests)) {
          for (int i = 0; i < n; i++) {
            lease.tokens[i] -= requests.get(i).cost();
          }
          return new LimitVerdict(true, local(lease, requests), 0, false, Optional.empty());
        }
        if (lease.refused != null && tick - lease.refusedUntil < 0) {
          // the shared store refused one call until then, and no instance can make a rate refill sooner
          return new LimitVerdict(false, lease.refused, lease.refusedUntil - tick);
        }
        if (!lease.refilling) {
          lease.refilling = true;
          batch = Math.max(1, Math.min(Math.max(lease.previousCalls, lease.calls), maxBatch));
          for (LimitRequest r : requests) {
            batch = Math.min(batch, Math.max(1, (((RatePolicy) r.policy()).rate().burst() + 1) / r.cost()));
          }
          break;
        }
        // another thread is charging a batch: wait for it a little, then go to the shared store alone
        long now = System.nanoTime();
        waitUntil = waitUntil == 0 ? now + REFILL_WAIT_NANOS : waitUntil;
        if (now - waitUntil >= 0 || !await(lease)) {
          batch = 0;
          break;
        }
        tick = ticker.getAsLong();
      }
    }
    if (batch == 0) {
      return shared.acquire(requests, nowEpochNanos);
    }
    LimitVerdict v;
    try {
      v = shared.acquire(batch == 1 ? requests : scaled(requests, batch), nowEpochNanos);
      if (!v.admitted() && batch > 1) {
        long fits = batch - 1; // calls the shared store would admit now
        for (int i = 0; i < n; i++) {
          fits = Math.min(fits, v.policies().get(i).remaining() / requests.get(i).cost());
        }
        if (fits >= 1) {
          batch = fits;
          v = shared.acquire(batch == 1 ? requests : scaled(requests, batch), nowEpochNanos);
        }
      }
    } catch (RuntimeException e) {
      synchronized (lease) {
        lease.refilling = false;
        lease.notifyAll();
      }
      throw e;
    }
    synchronized (lease) {
      lease.refilling = false;
      lease.notifyAll();
      if (!v.admitted()) {
        long retry = oneCallRetry(v, requests, batch);
        lease.refused = v.policies();
        lease.refusedUntil = tick + retry;
        return batch == 1 ? v : new LimitVerdict(false, v.policies(), retry);
      }
      lease.refused = null;
      long[] tokens = new long[n]; // what an earlier lease had left is dropped: it must not outlive its age
      for (int i = 0; i < n; i++) {
        tokens[i] = (batch - 1) * requests.get(i).cost();
      }
      lease.tokens = tokens;
      lease.expires = tick + maxAgeNanos; // the tick before the charge: the lease never outlives its age
      lease.charged = v.policies();
      return batch == 1 ? v : new LimitVerdict(true, local(lease, requests), 0, false, Optional.empty());
    }
  }

  /**
   * When one call could pass, from a refusal of {@code batch} calls: a batch waits longer than one
   * call by the rest of the batch on the policy that refused it. Of the refusing policies the one
   * with the longest interval is taken off, so the answer is never later than the truth (a call
   * refused too early only costs one more round trip; one refused too late would be lost).
   */
  private static long oneCallRetry(LimitVerdict refused, List<LimitRequest> requests, long batch) {
    if (batch == 1) {
      return refused.retryAfterNanos();
    }
    long interval = 0;
    for (int i = 0; i < requests.size(); i++) {
      if (refused.policies().get(i).violated()) {
        LimitRequest r = requests.get(i);
        interval = Math.max(interval, r.cost() * ((RatePolicy) r.policy()).emissionNanos());
      }
    }
    return Math.max(1, refused.retryAfterNanos() - (batch - 1) * interval);
  }

  /** Waits up to a millisecond for the thread charging a batch; false when interrupted. */
  private static boolean await(Lease lease) {
    try {
      lease.wait(1);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Rates only, none soft: what may be leased. */
  private static boolean leasable(List<LimitRequest> requests) {
    if (requests.isEmpty()) {
      return false;
    }
    for (LimitRequest r : requests) {
      if (!(r.policy() instanceof RatePolicy) || r.soft()) {
        return false;
      }
    }
    return true;
  }

  private static boolean covers(long[] tokens, List<LimitRequest> requests) {
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < requests.get(i).cost()) {
        return false;
      }
    }
    return true;
  }

  private static List<LimitRequest> scaled(List<LimitRequest> requests, long batch) {
    List<LimitRequest> out = new ArrayList<>(requests.size());
    for (LimitRequest r : requests) {
      out.add(r.withCost(Math.multiplyExact(r.cost(), batch)));
    }
    return out;
  }

  /** What this instance can still admit: the shared store's remaining at the charge plus the lease's own. */
  private static List<PolicyState> local(Lease lease, List<LimitRequest> requests) {
    List<PolicyState> out = new ArrayList<>(lease.charged.size());
    for (int i = 0; i < lease.charged.size(); i++) {
      PolicyState s = lease.charged.get(i);
      long own = i < requests.size() ? lease.tokens[i] / requests.get(i).cost() : 0;
      out.add(new PolicyState(s.name(), s.quota(), s.windowSeconds(), s.remaining() + own, s.resetSeconds(), false,
          s.unit()));
    }
    return out;
  }

  /** The shared store's view, without this instance's leased calls. */
  @Override
  public List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos) {
    return shared.peek(requests, nowEpochNanos);
  }

  @Override
  public void release(List<LimitRequest> requests, LimitVerdict verdict) {
    shared.release(requests, verdict);
  }

  @Override
  public CreditEntry applyCredits(String key, String entryId, long delta) {
    return shared.applyCredits(key, entryId, delta);
  }

  @Override
  public long credits(String key) {
    return shared.credits(key);
  }

  /** The shared store's counts. */
  @Override
  public StoreCounters counters() {
    return shared.counters();
  }

  /** Closes the shared store when it can be closed. */
  @Override
  public void close() {
    if (shared instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("closing the shared limiter store failed: " + e.getMessage(), e);
      }
    }
  }

  /** Builder of {@link RateLeasing}. */
  public static final class Builder {
    private final LimiterStore shared;
    private int maxBatch = 64;
    private Duration maxAge = Duration.ofMillis(50);
    private LongSupplier ticker = System::nanoTime;

    private Builder(LimiterStore shared) {
      this.shared = shared;
    }

    /** The most calls one lease charges (default 64); 1 turns leasing off. */
    public Builder maxBatch(int calls) {
      if (calls < 1 || calls > 1_000_000) {
        throw new IllegalArgumentException("maxBatch must be between 1 and 1000000, got " + calls);
      }
      this.maxBatch = calls;
      return this;
    }

    /**
     * How long a lease may be spent (default 50 ms): the over-admission is at most a rate's calls
     * in this time; between 1 ms and 10 s.
     */
    public Builder maxAge(Duration age) {
      Objects.requireNonNull(age, "age");
      if (age.compareTo(Duration.ofMillis(1)) < 0 || age.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("maxAge must be between 1 ms and 10 s, got " + age);
      }
      this.maxAge = age;
      return this;
    }

    /** The monotonic clock leases age by, in nanoseconds (default {@link System#nanoTime}; for tests). */
    public Builder ticker(LongSupplier nanos) {
      this.ticker = Objects.requireNonNull(nanos, "nanos");
      return this;
    }

    /** Builds it. */
    public RateLeasing build() {
      return new RateLeasing(this);
    }
  }
}
