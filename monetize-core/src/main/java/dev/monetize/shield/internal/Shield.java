package dev.monetize.shield.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.Cidr;
import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldPolicy;
import dev.monetize.shield.ShieldRule;
import dev.monetize.shield.ShieldStore;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The shield as the pipeline runs it, before any credential is looked at: allow and deny lists
 * (the policy's and the store's), bans, and the per-address budget of failed authentications. The
 * store is read at most once a second per node (by one request; the others use what was read), so
 * a request costs a volatile read when no list, ban or budget concerns anyone, and never touches a
 * store or allocates.
 */
public final class Shield {
  /** What the shield says about one address. */
  public record Verdict(Optional<ErrorCode> refusal, long retryAfterSeconds, boolean allowed) {
    /** Nothing against the address. */
    public static final Verdict PASS = new Verdict(Optional.empty(), 0, false);
    static final Verdict ALLOWED = new Verdict(Optional.empty(), 0, true);
  }

  /** The lists and bans as last read. */
  private record View(List<Cidr> allow, List<Cidr> deny, Map<String, Ban> bans, long readAt) {
    boolean empty() {
      return allow.isEmpty() && deny.isEmpty() && bans.isEmpty();
    }
  }

  /** One address's failed authentications: its budget (GCRA) and the ban window's count. */
  private static final class Failures {
    long tat;
    long windowStart;
    int count;
  }

  private static final long REFRESH_NANOS = 1_000_000_000L;
  private static final long SWEEP_NANOS = 60_000_000_000L;
  private long swept = Long.MIN_VALUE / 2;

  private final ShieldPolicy policy;
  private final ShieldStore store;
  private final LongSupplier clock;
  private final Consumer<Ban> onBan;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile View view;
  private final Cache<String, Failures> failures;
  /** Addresses over their budget, and until when (epoch nanos): looked at only when not empty. */
  private final ConcurrentHashMap<String, Long> limited = new ConcurrentHashMap<>();
  private final LongAdder denied = new LongAdder();
  private final LongAdder banned = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder bansIssued = new LongAdder();

  /**
   * @param clock epoch nanoseconds
   * @param onBan told of every ban issued (audit, log)
   */
  public Shield(ShieldPolicy policy, ShieldStore store, LongSupplier clock, Consumer<Ban> onBan) {
    this.policy = policy;
    this.store = store;
    this.clock = clock;
    this.onBan = onBan;
    this.intervalNanos = policy.unauthenticated().period().toNanos() / policy.unauthenticated().count();
    this.toleranceNanos = intervalNanos * policy.unauthenticated().burst();
    this.failures = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run)
        .expireAfterAccess(policy.banWindow().plus(policy.unauthenticated().period()).plusSeconds(1)).build();
    this.view = read(clock.getAsLong());
  }

  /** The verdict on a request from {@code address}, before its credential is looked at. */
  public Verdict check(String address, long now) {
    View v = current(now);
    if (!v.empty()) {
      Optional<InetAddress> a = Cidr.literal(address);
      if (a.isPresent() && matches(v.allow(), a.get())) {
        return Verdict.ALLOWED;
      }
      Ban b = v.bans().get(address);
      if (b != null && b.active(instant(now))) {
        banned.increment();
        return new Verdict(Optional.of(ErrorCode.IP_BANNED), seconds(b.until().toEpochMilli() * 1_000_000 - now),
            false);
      }
      if (a.isPresent() && matches(v.deny(), a.get())) {
        denied.increment();
        return new Verdict(Optional.of(ErrorCode.IP_DENIED), 0, false);
      }
    }
    if (!limited.isEmpty()) {
      Long until = limited.get(address);
      if (until != null) {
        if (now < until) {
          rateLimited.increment();
          return new Verdict(Optional.of(ErrorCode.IP_RATE_LIMITED), seconds(until - now), false);
        }
        limited.remove(address, until);
      }
    }
    return Verdict.PASS;
  }

  private static boolean matches(List<Cidr> networks, InetAddress address) {
    for (Cidr c : networks) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A request from {@code address} failed authentication (missing, malformed, unknown or revoked
   * credential): it spends the address's budget, and counts toward a ban. An allowed address is
   * never limited or banned.
   */
  public void failed(String address, long now, boolean allowed) {
    if (allowed || address.isEmpty()) {
      return;
    }
    Optional<InetAddress> a = Cidr.literal(address);
    if (a.isEmpty() || !policy.limits(a.get())) {
      return; // a private address is usually a proxy of the service's own: never limited or banned by default
    }
    Failures f = failures.get(address, k -> new Failures());
    boolean ban = false;
    synchronized (f) {
      long tat = Math.max(f.tat, now) + intervalNanos;
      if (tat - now <= toleranceNanos + intervalNanos) {
        f.tat = tat; // within the budget: spent
      }
      if (f.tat - now > toleranceNanos) { // the budget is spent: refused unseen until one more would fit
        limited.put(address, f.tat - toleranceNanos);
      }
      if (policy.banAfter() > 0) {
        if (now - f.windowStart >= policy.banWindow().toNanos()) {
          f.windowStart = now;
          f.count = 0;
        }
        f.count++;
        if (f.count >= policy.banAfter()) {
          f.count = 0;
          f.windowStart = now;
          ban = true;
        }
      }
    }
    if (ban) {
      ban(address, now);
    }
  }

  private void ban(String address, long now) {
    Instant at = instant(now);
    int strikes = store.ban(address).filter(b -> b.until().isAfter(at.minus(Duration.ofDays(1))))
        .map(b -> b.strikes() + 1).orElse(1);
    Duration length = policy.firstBan().multipliedBy(1L << Math.min(30, strikes - 1));
    if (length.compareTo(policy.longestBan()) > 0) {
      length = policy.longestBan();
    }
    Ban b = new Ban(address, at.plus(length), strikes, at);
    store.ban(b);
    bansIssued.increment();
    View v = view;
    Map<String, Ban> bans = new HashMap<>(v.bans());
    bans.put(address, b);
    view = new View(v.allow(), v.deny(), Map.copyOf(bans), v.readAt()); // effective here at once
    onBan.accept(b);
  }

  /** Reads the store again now (after the operator changed it through this node). */
  public void refresh() {
    view = read(clock.getAsLong());
  }

  private View current(long now) {
    View v = view;
    if (now - v.readAt() >= REFRESH_NANOS && refreshing.compareAndSet(false, true)) {
      try {
        v = read(now);
        view = v;
      } catch (RuntimeException e) {
        view = new View(v.allow(), v.deny(), v.bans(), now); // keep the last lists; try again in a second
      } finally {
        refreshing.set(false);
      }
    }
    return v;
  }

  private View read(long now) {
    Instant at = instant(now);
    if (now - swept >= SWEEP_NANOS) { // lapsed entries and old strikes go, once a minute per node
      swept = now;
      store.sweep(at);
    }
    List<Cidr> allow = new ArrayList<>(policy.allow());
    List<Cidr> deny = new ArrayList<>(policy.deny());
    for (ShieldRule r : store.rules()) {
      if (r.active(at)) {
        (r.kind() == ShieldRule.Kind.ALLOW ? allow : deny).add(r.cidr());
      }
    }
    Map<String, Ban> bans = new HashMap<>();
    for (Ban b : store.bans()) {
      if (b.active(at)) {
        bans.put(b.address(), b);
      }
    }
    return new View(List.copyOf(allow), List.copyOf(deny), Map.copyOf(bans), now);
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  /** The detail of a shield refusal: the same for every address, nothing about the lists. */
  public static String detail(ErrorCode code) {
    return switch (code) {
      case IP_DENIED -> "Requests from your network are not accepted.";
      case IP_BANNED -> "Your address is banned for a while after repeated authentication failures.";
      default -> "Too many requests without a valid credential from your address.";
    };
  }

  /** Requests refused by the deny list. */
  public long denied() {
    return denied.sum();
  }

  /** Requests refused because their address was banned. */
  public long banned() {
    return banned.sum();
  }

  /** Requests refused because their address spent its budget of failed authentications. */
  public long rateLimited() {
    return rateLimited.sum();
  }

  /** Bans issued. */
  public long bansIssued() {
    return bansIssued.sum();
  }

  /** The store (the management API changes it, then calls {@link #refresh()}). */
  public ShieldStore store() {
    return store;
  }
}
