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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shield as the pipeline runs it, before any credential is looked at: allow and deny lists
 * (the policy's and the store's), bans, and the per-client budget of failed authentications. A
 * client is an IPv4 address or an IPv6 /64 ({@link Cidr#clientKey}). The store is read and swept by
 * a background thread (every second, and once a minute); a request never waits for it: it reads
 * the last view, and bans issued here apply here at once and reach the store in the background.
 * Every map of this class is bounded; the store keeps a ban a day past its end (its strikes count
 * for the next), so the bans a node reads grow with the clients banned in a day.
 */
public final class Shield implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Shield.class);
  private static final int MAX_TRACKED = 100_000;

  /** What the shield says about one address. */
  public record Verdict(Optional<ErrorCode> refusal, long retryAfterSeconds, boolean allowed) {
    /** Nothing against the address. */
    public static final Verdict PASS = new Verdict(Optional.empty(), 0, false);
    static final Verdict ALLOWED = new Verdict(Optional.empty(), 0, true);
  }

  /**
   * The lists and bans as last read: the bans in force, and every ban the store keeps (lapsed ones
   * for a day), whose strikes the next ban of the client counts.
   */
  private record View(List<Cidr> allow, List<Cidr> deny, Map<String, Ban> bans, Map<String, Ban> kept) {
    boolean empty() {
      return allow.isEmpty() && deny.isEmpty() && bans.isEmpty();
    }
  }

  /** One client's failed authentications: its budget (GCRA) and the ban window's count. */
  private static final class Failures {
    long tat;
    long windowStart;
    int count;
  }

  private final ShieldPolicy policy;
  private final ShieldStore store;
  private final LongSupplier clock;
  private final Consumer<Ban> onBan;
  private final long intervalNanos;
  private final long toleranceNanos;
  private volatile View view;
  private final Cache<String, Failures> failures;
  /** The failures counted for every node that shares the store, when it counts them. */
  private final SharedFailures shared;
  /** Clients over their budget, and until when (epoch nanos). */
  private final Cache<String, Long> limited;
  /** Bans issued here, until the store's view has them: and their strikes, for a day. */
  private final Cache<String, Ban> issued;
  /**
   * The bans issued here that the store has taken (written by the store's thread, read by it): once
   * one is gone from the store's view, another node lifted it, and it is lifted here too.
   */
  private final Cache<Ban, Boolean> stored;
  /**
   * The one thread that talks to the store: bans issued here are written, the view is read again,
   * and the operator's changes are made and read back, in the order they were asked for (a lift
   * never runs before the write of the ban it lifts, and no read begun before a change replaces the
   * view read after it).
   */
  private final ScheduledExecutorService background;
  private volatile Thread storeThread;
  private final LongAdder denied = new LongAdder();
  private final LongAdder banned = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder bansIssued = new LongAdder();
  private long swept;

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
    Duration budget = Duration.ofNanos(toleranceNanos + intervalNanos).plusSeconds(1);
    this.failures = Caffeine.newBuilder().maximumSize(MAX_TRACKED).executor(Runnable::run)
        .expireAfterAccess(max(policy.banWindow(), budget).plusSeconds(1)).build();
    this.limited = Caffeine.newBuilder().maximumSize(MAX_TRACKED).executor(Runnable::run).expireAfterWrite(budget)
        .build();
    this.issued = Caffeine.newBuilder().maximumSize(MAX_TRACKED).executor(Runnable::run)
        .expireAfterWrite(Duration.ofDays(1)).build();
    this.stored = Caffeine.newBuilder().maximumSize(MAX_TRACKED).executor(Runnable::run)
        .expireAfterWrite(policy.longestBan().plusDays(1)).build();
    this.swept = clock.getAsLong();
    this.shared = new SharedFailures(store, policy.banAfter(), policy.banWindow());
    this.view = read(clock.getAsLong());
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "monetize-shield");
      t.setDaemon(true);
      storeThread = t;
      return t;
    });
    background.scheduleWithFixedDelay(this::refreshQuietly, 1, 1, TimeUnit.SECONDS);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The verdict on a request from {@code address}, before its credential is looked at. */
  public Verdict check(String address, long now) {
    View v = view;
    boolean anyIssued = issued.estimatedSize() > 0;
    boolean anyLimited = limited.estimatedSize() > 0;
    if (v.empty() && !anyIssued && !anyLimited) {
      return Verdict.PASS; // no list, ban or flood to look the address up in
    }
    long v4 = Cidr.ipv4Value(address); // the common case, read without allocating
    Optional<InetAddress> a = Optional.empty();
    String key = null;
    if (!v.empty() || anyIssued) {
      if (v4 < 0) {
        a = Cidr.literal(address);
      }
      if (v4 >= 0 ? matchesIpv4(v.allow(), v4) : a.isPresent() && matches(v.allow(), a.get())) {
        return Verdict.ALLOWED;
      }
      key = v4 >= 0 ? address : a.map(Cidr::clientKey).orElse(address);
      Ban b = v.bans().get(key);
      Ban local = anyIssued ? issued.getIfPresent(key) : null;
      if (local != null && (b == null || local.until().isAfter(b.until()))) {
        b = local;
      }
      if (b != null && b.active(instant(now))) {
        banned.increment();
        return new Verdict(Optional.of(ErrorCode.IP_BANNED), seconds(b.until().toEpochMilli() * 1_000_000 - now),
            false);
      }
      if (v4 >= 0 ? matchesIpv4(v.deny(), v4) : a.isPresent() && matches(v.deny(), a.get())) {
        denied.increment();
        return DENIED;
      }
    }
    if (anyLimited) {
      if (key == null) {
        key = v4 >= 0 ? address : Cidr.literal(address).map(Cidr::clientKey).orElse(address);
      }
      Long until = limited.getIfPresent(key);
      if (until != null && now < until) {
        rateLimited.increment();
        return rateLimitedFor(seconds(until - now));
      }
    }
    return Verdict.PASS;
  }

  private static final Verdict DENIED = new Verdict(Optional.of(ErrorCode.IP_DENIED), 0, false);
  /** The refusals of a flood, built once: one per second of Retry-After up to an hour. */
  private static final Verdict[] RATE_LIMITED = new Verdict[3_601];

  private static Verdict rateLimitedFor(long seconds) {
    if (seconds < 0 || seconds >= RATE_LIMITED.length) {
      return new Verdict(Optional.of(ErrorCode.IP_RATE_LIMITED), seconds, false);
    }
    Verdict v = RATE_LIMITED[(int) seconds];
    if (v == null) { // a race builds an equal one twice: harmless
      v = new Verdict(Optional.of(ErrorCode.IP_RATE_LIMITED), seconds, false);
      RATE_LIMITED[(int) seconds] = v;
    }
    return v;
  }

  private static boolean matchesIpv4(List<Cidr> networks, long address) {
    for (int i = 0; i < networks.size(); i++) {
      if (networks.get(i).containsIpv4(address)) {
        return true;
      }
    }
    return false;
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
   * credential): it spends the client's budget, and counts toward a ban. An allowed address, and a
   * private one unless the policy says otherwise, is never limited or banned.
   */
  public void failed(String address, long now, boolean allowed) {
    if (allowed || address.isEmpty()) {
      return;
    }
    long v4 = Cidr.ipv4Value(address); // the common case, read without allocating
    String key;
    if (v4 >= 0) {
      if (!policy.limitsIpv4(v4)) {
        return; // a private address is usually a proxy of the service's own: never limited or banned by default
      }
      key = address;
    } else {
      Optional<InetAddress> a = Cidr.literal(address);
      if (a.isEmpty() || !policy.limits(a.get())) {
        return;
      }
      key = Cidr.clientKey(a.get());
      long embedded = Cidr.ipv4Value(key); // an IPv4 address spelled in IPv6 (::10.0.0.1, NAT64...): as itself
      if (embedded >= 0 && !policy.limitsIpv4(embedded)) {
        return;
      }
    }
    Failures f = failures.get(key, k -> new Failures());
    boolean ban = false;
    synchronized (f) {
      long tat = Math.max(f.tat, now) + intervalNanos;
      if (tat - now <= toleranceNanos + intervalNanos) {
        f.tat = tat; // within the budget: spent
      }
      if (f.tat - now > toleranceNanos) { // the budget is spent: refused unseen until one more would fit
        limited.put(key, f.tat - toleranceNanos);
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
    shared.add(key, now); // for the store's count across nodes, added once a second
    if (ban) {
      ban(key, now);
    }
  }

  /** Bans {@code key} here at once; the store learns of it in the background. */
  private void ban(String key, long now) {
    Instant at = instant(now).truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as a store keeps it (Redis: ms)
    Ban before = issued.getIfPresent(key);
    Ban known = view.kept().get(key); // a lapsed ban of any node's counts as a strike too
    int strikes = 1 + Math.max(before == null ? 0 : before.strikes(), known == null ? 0 : known.strikes());
    Duration length = policy.firstBan().multipliedBy(1L << Math.min(30, strikes - 1));
    if (length.compareTo(policy.longestBan()) > 0) {
      length = policy.longestBan();
    }
    Ban b = new Ban(key, at.plus(length), strikes, at);
    issued.put(key, b);
    shared.forget(key); // what it failed here led to this ban: not added to the count after it
    bansIssued.increment();
    onBan.accept(b);
    background.execute(() -> {
      try {
        Optional<Ban> there = store.ban(key); // another node may know more strikes
        if (there.isEmpty() || there.get().until().isBefore(b.until())) {
          store.ban(b);
        }
        stored.put(b, Boolean.TRUE); // in the store now (or a longer one of another node's is)
      } catch (RuntimeException e) {
        LOG.warn("shield store unreachable: the ban of {} holds on this node only ({})", key, e.toString());
      }
    });
  }

  /** Reads the store again now (after the operator changed it through this node); failures keep the last view. */
  public void refresh() {
    onStoreThread(() -> {
      refreshQuietly();
      return null;
    });
  }

  /** Runs {@code work} on the store's thread after what was queued there before it, and waits for it. */
  private <T> T onStoreThread(java.util.concurrent.Callable<T> work) {
    try {
      if (Thread.currentThread() == storeThread) {
        return work.call();
      }
      java.util.concurrent.Future<T> f;
      try {
        f = background.submit(work);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        return work.call(); // closed: nothing runs there any more
      }
      try {
        return f.get();
      } catch (java.util.concurrent.CancellationException closed) {
        return work.call(); // the shield closed before it ran: done here, as nothing runs there any more
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the shield store was changed", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void refreshQuietly() {
    try {
      long now = clock.getAsLong();
      if (now - swept >= 60_000_000_000L) { // lapsed entries and old strikes go, once a minute per node
        swept = now;
        store.sweep(instant(now));
      }
      View v = read(now);
      view = v;
      for (Ban b : stored.asMap().keySet()) {
        Ban there = v.kept().get(b.address());
        if (there == null) { // the store took it and holds no ban of the client now: lifted (on any node), so here
          stored.invalidate(b);
          if (issued.asMap().remove(b.address(), b)) {
            failures.invalidate(b.address());
            limited.invalidate(b.address());
          }
        } else if (!there.since().equals(b.since())) { // the store holds another: it is the one in force
          stored.invalidate(b);
          issued.asMap().remove(b.address(), b);
        }
      }
      Instant at = instant(now);
      shared.flush(now, client -> { // the client's latest ban, here or in the store: its count starts there
        Ban here = issued.getIfPresent(client);
        Ban there = v.kept().get(client);
        return here == null ? there : there == null || here.since().isAfter(there.since()) ? here : there;
      }, client -> v.bans().containsKey(client) && v.bans().get(client).active(at)
          || issued.getIfPresent(client) != null && issued.getIfPresent(client).active(at),
          client -> ban(client, clock.getAsLong()));
    } catch (RuntimeException e) {
      LOG.debug("shield store unreadable, the last lists stay in force: {}", e.toString());
    }
  }

  private View read(long now) {
    Instant at = instant(now);
    List<Cidr> allow = new ArrayList<>(policy.allow());
    List<Cidr> deny = new ArrayList<>(policy.deny());
    for (ShieldRule r : store.rules()) {
      if (r.active(at)) {
        (r.kind() == ShieldRule.Kind.ALLOW ? allow : deny).add(r.cidr());
      }
    }
    Map<String, Ban> bans = new HashMap<>();
    Map<String, Ban> kept = new HashMap<>();
    for (Ban b : store.bans()) { // lapsed ones too (the store keeps them a day): their strikes count for the next
      kept.put(b.address(), b);
      if (b.active(at)) {
        bans.put(b.address(), b);
      }
    }
    return new View(List.copyOf(allow), List.copyOf(deny), Map.copyOf(bans), Map.copyOf(kept));
  }

  /** The bans in force at {@code now}: the store's as last read, and those issued here since. */
  public List<Ban> bans(Instant now) {
    Map<String, Ban> all = new HashMap<>(view.bans());
    issued.asMap().forEach((k, b) -> all.merge(k, b, (x, y) -> x.until().isAfter(y.until()) ? x : y));
    return all.values().stream().filter(b -> b.active(now)).toList();
  }

  /**
   * Lifts the ban of the client {@code address} belongs to, here and in the store (its strikes are
   * forgotten); false when it was not banned.
   */
  public boolean lift(String address) {
    Optional<InetAddress> a = Cidr.literal(address);
    if (a.isEmpty()) {
      return false;
    }
    String key = Cidr.clientKey(a.get());
    Instant now = instant(clock.getAsLong());
    Ban local = issued.getIfPresent(key);
    boolean here = local != null && local.active(now) || view.bans().containsKey(key);
    issued.invalidate(key);
    failures.invalidate(key);
    limited.invalidate(key);
    shared.forget(key);
    boolean inStore = onStoreThread(() -> { // after the write of a ban issued here a moment ago, not before it
      boolean lifted = store.lift(key);
      refreshQuietly();
      return lifted;
    });
    return here || inStore;
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

  /** Stops the background thread. */
  @Override
  public void close() {
    for (Runnable queued : background.shutdownNow()) {
      if (queued instanceof java.util.concurrent.Future<?> f) {
        f.cancel(false); // a caller waiting for it runs its work itself
      }
    }
  }
}
