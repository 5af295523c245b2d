package dev.monetize;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import dev.monetize.cache.internal.Flights;
import dev.monetize.http.Header;
import dev.monetize.plans.CachePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The response cache's answer for one admitted request ({@link Admission#cache}): a hit to serve
 * (the endpoint does not run), a miss this request leads (the adapter captures the answer and
 * {@link #store}s it; concurrent misses of the same key wait for it: single flight), or nothing to
 * do (the operation is not cached). The request was identified, authorized, limited and is metered
 * either way; a hit is metered with one {@code cache_hits} unit besides.
 *
 * <pre>{@code
 * CacheLookup c = admission.cache(rawQuery, accept, acceptEncoding);
 * if (c.hit().isPresent()) { write c.headers() and the entry's body (or 304); complete; return; }
 * run the endpoint, capturing its answer when c.storing(); then c.store(status, type, body)
 * }</pre>
 */
public final class CacheLookup {
  /** Vary: the credential decides the tenant, and the representation follows these headers. */
  static final String VARY = "Authorization, X-API-Key, Accept, Accept-Encoding";
  /** How long a follower waits for the leader's answer before it runs the endpoint itself. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private enum State { NONE, HIT, LEAD, MISS }

  private final State state;
  private final CachePolicy policy;
  private final ResponseCache store;
  private final Flights flights;
  private final Flights.Flight flight;
  private final String key;
  private final TimeSource time;
  private final Optional<CachedResponse> entry;
  private final Runnable stored;
  private boolean landed;
  private Optional<CachedResponse> kept = Optional.empty();

  private CacheLookup(State state, CachePolicy policy, ResponseCache store, Flights flights, Flights.Flight flight,
      String key, TimeSource time, Optional<CachedResponse> entry, Runnable stored) {
    this.state = state;
    this.stored = stored;
    this.policy = policy;
    this.store = store;
    this.flights = flights;
    this.flight = flight;
    this.key = key;
    this.time = time;
    this.entry = entry;
  }

  static final CacheLookup NONE = new CacheLookup(State.NONE, null, null, null, null, null, null, Optional.empty(),
      () -> { });

  /** Looks the request up, leading or following the key's flight on a miss. */
  static CacheLookup of(CachePolicy policy, ResponseCache store, Flights flights, TimeSource time, String key,
      Runnable stored) {
    Optional<CachedResponse> found = store.get(key);
    if (found.isPresent()) {
      return new CacheLookup(State.HIT, policy, store, flights, null, key, time, found, stored);
    }
    Flights.Flight f = flights.join(key);
    if (f.leader()) {
      return new CacheLookup(State.LEAD, policy, store, flights, f, key, time, Optional.empty(), stored);
    }
    Optional<CachedResponse> answer = flights.await(f, PATIENCE);
    return new CacheLookup(answer.isPresent() ? State.HIT : State.MISS, policy, store, flights, null, key, time,
        answer, stored);
  }

  /** The entry to serve instead of running the endpoint, if any. */
  public Optional<CachedResponse> hit() {
    return entry;
  }

  /** Whether this request leads the miss: capture the endpoint's answer and {@link #store} it. */
  public boolean storing() {
    return state == State.LEAD && !landed;
  }

  /**
   * Stores the endpoint's answer when it is a {@code 200} (and lands the flight, so the requests
   * waiting on it are served); anything else is not stored and the waiting requests run the endpoint
   * themselves. Call once; later calls are ignored.
   */
  public void store(int status, String contentType, byte[] body) {
    if (!storing()) {
      return;
    }
    Optional<CachedResponse> answer = Optional.empty();
    if (status == 200 && contentType != null) {
      CachedResponse r = CachedResponse.of(status, contentType, body, time.now());
      store.put(key, r, policy.ttl());
      stored.run();
      answer = Optional.of(r);
    }
    kept = answer;
    land(answer);
  }

  /** Lands a led flight without an answer (the endpoint failed, or the answer was not captured). */
  public void abandon() {
    if (storing()) {
      land(Optional.empty());
    }
  }

  private void land(Optional<CachedResponse> answer) {
    landed = true;
    flights.land(flight, answer);
  }

  /** The headers of a {@code 200}: see {@link #headers(int)}. */
  public List<Header> headers() {
    return headers(200);
  }

  /** Whether an {@code If-None-Match} header names this entry's tag ({@code *} names any): answer {@code 304}. */
  public static boolean notModified(String ifNoneMatch, CachedResponse entry) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.equals("*") || t.equals(entry.etag()) || t.equals("W/" + entry.etag())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The caching headers of an answer with {@code status}: {@code Vary} and {@code Cache-Status}
   * always; {@code Cache-Control} for a {@code 200} or {@code 304} (an error is never announced as
   * cacheable); {@code ETag} and {@code Age} with an entry (served, or just stored).
   */
  public List<Header> headers(int status) {
    List<Header> h = new ArrayList<>(5);
    if (state == State.NONE) {
      return h;
    }
    if (status != 200 && status != 304) {
      h.add(new Header("Vary", VARY));
      h.add(new Header("Cache-Status", "monetize; fwd=miss"));
      return h;
    }
    Optional<CachedResponse> e = entry.isPresent() ? entry : kept;
    long age = e.map(r -> Math.max(0, Duration.between(r.storedAt(), time.now()).toSeconds())).orElse(0L);
    long maxAge = Math.max(0, policy.ttl().toSeconds() - age);
    h.add(new Header("Cache-Control", (policy.shared() ? "public" : "private") + ", max-age=" + maxAge));
    h.add(new Header("Vary", VARY));
    e.ifPresent(r -> h.add(new Header("ETag", r.etag())));
    if (entry.isPresent()) {
      h.add(new Header("Age", Long.toString(age)));
    }
    h.add(new Header("Cache-Status", switch (state) {
      case HIT -> "monetize; hit";
      case LEAD -> kept.isPresent() ? "monetize; fwd=miss; stored" : "monetize; fwd=miss";
      default -> "monetize; fwd=miss";
    }));
    return h;
  }
}
