package dev.monetize;

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
 * The response cache's answer for one admitted request ({@link Admission#cache}):
 * <ul>
 *   <li>an entry to serve instead of running the endpoint ({@link #hit()}): fresh, or stale within
 *       the operation's {@code stale-while-revalidate} window, or served because the service sheds
 *       load;</li>
 *   <li>a stale entry this request also refreshes ({@link #refreshing()}): serve it, then run the
 *       endpoint with its answer captured, not sent, and {@link #store} it (an adapter that cannot
 *       answer before the endpoint runs calls {@link #refreshInLine()} instead);</li>
 *   <li>a miss this request leads ({@link #storing()}): capture the answer and {@link #store} it;
 *       concurrent misses of the same key wait for it (single flight);</li>
 *   <li>when the endpoint fails ({@code 5xx} or an exception), a stale entry within the
 *       {@code stale-if-error} window to serve instead ({@link #insteadOfError(int)});</li>
 *   <li>or nothing to do (the operation is not cached).</li>
 * </ul>
 * The request was identified, authorized, limited and is metered either way; an answer served from
 * the cache is metered with one {@code cache_hits} unit besides.
 *
 * <pre>{@code
 * CacheLookup c = admission.cache(rawQuery, accept, acceptEncoding);
 * if (c.hit().isPresent()) { write c.headers(200) and c.representation() (or a 304); complete; return; }
 * run the endpoint, capturing its answer when c.storing(); then c.store(status, type, body)
 * on a 5xx or an exception: c.insteadOfError(status).ifPresent(serve it)
 * }</pre>
 * Not thread-safe: one request, one thread.
 */
public final class CacheLookup {
  /** Vary: the credential decides the tenant, and the representation follows these headers. */
  static final String VARY = "Authorization, X-API-Key, Accept, Accept-Encoding";
  /** How long a follower waits for the leader's answer before it runs the endpoint itself. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private enum State {
    /** Not a cached operation. */
    NONE,
    /** A fresh entry served. */
    HIT,
    /** A stale entry served while another request refreshes it. */
    STALE,
    /** A stale entry served, and this request refreshes it afterwards. */
    REFRESH,
    /** An entry served because the service sheds load. */
    SHED,
    /** The endpoint runs; this request stores its answer. */
    LEAD,
    /** The endpoint runs; its answer is not stored (a follower the leader left without one). */
    MISS,
    /** A stale entry served because the endpoint failed. */
    ERROR
  }

  private State state;
  private final Caching caching;
  private final CachePolicy policy;
  private final String operation;
  private final Flights.Flight flight;
  private final String key;
  private final String acceptEncoding;
  /** What is served ({@link #hit}), or the stale entry a failure may fall back to. */
  private Optional<CachedResponse> entry;
  private Optional<CachedResponse> fallback;
  private boolean landed;
  private boolean revalidated;
  private Optional<CachedResponse> kept = Optional.empty();
  private int errorStatus;
  /** The engine's own {@code Link} on every answer of the operation (a deprecated version's guide), or empty. */
  private String engineLink = "";
  /** Whether the key holds the request's {@code Origin} (and the request sent no CORS preflight header). */
  private boolean byOrigin;

  private CacheLookup(State state, Caching caching, CachePolicy policy, String operation, Flights.Flight flight,
      String key, String acceptEncoding, Optional<CachedResponse> entry, Optional<CachedResponse> fallback) {
    this.state = state;
    this.caching = caching;
    this.policy = policy;
    this.operation = operation;
    this.flight = flight;
    this.key = key;
    this.acceptEncoding = acceptEncoding;
    this.entry = entry;
    this.fallback = fallback;
  }

  static final CacheLookup NONE = new CacheLookup(State.NONE, null, null, null, null, null, null, Optional.empty(),
      Optional.empty());

  /**
   * Looks the request up: fresh, stale (refreshing it once), or a miss that leads or follows the
   * key's flight. A {@code HEAD} ({@code head}) is served what is there but never leads, follows or
   * refreshes: its answer has no body to store.
   */
  static CacheLookup of(Caching caching, CachePolicy policy, String operation, String key, String acceptEncoding,
      boolean head) {
    Optional<CachedResponse> found = caching.store().get(key);
    Optional<CachedResponse> fallback = Optional.empty();
    if (found.isPresent()) {
      long age = caching.ageMillis(found.get());
      if (age < policy.ttl().toMillis()) {
        return new CacheLookup(State.HIT, caching, policy, operation, null, key, acceptEncoding, found, fallback);
      }
      long stale = age - policy.ttl().toMillis();
      if (stale < policy.staleWhileRevalidate().toMillis()) {
        Flights.Flight f = head ? null : caching.flights().join(key);
        if (f == null) {
          return new CacheLookup(State.STALE, caching, policy, operation, null, key, acceptEncoding, found, found);
        }
        return new CacheLookup(f.leader() ? State.REFRESH : State.STALE, caching, policy, operation,
            f.leader() ? f : null, key, acceptEncoding, found, found);
      }
      if (stale < policy.staleIfError().toMillis()) {
        fallback = found;
      }
    }
    if (head) {
      return new CacheLookup(State.MISS, caching, policy, operation, null, key, acceptEncoding, Optional.empty(),
          fallback);
    }
    Flights.Flight f = caching.flights().join(key);
    if (f.leader()) {
      return new CacheLookup(State.LEAD, caching, policy, operation, f, key, acceptEncoding, Optional.empty(), fallback);
    }
    Optional<CachedResponse> answer = caching.flights().await(f, PATIENCE);
    return new CacheLookup(answer.isPresent() ? State.HIT : State.MISS, caching, policy, operation, null, key,
        acceptEncoding, answer, fallback);
  }

  /** Sets {@link #engineLink}; returns this lookup. */
  CacheLookup engineLink(String link) {
    if (this != NONE) {
      this.engineLink = link;
    }
    return this;
  }

  /**
   * Keyed by the request's {@code Origin} ({@code byOrigin}): an answer that varies by it, or by the
   * CORS preflight headers the request did not send, is stored, with its CORS headers and its
   * {@code Vary}; returns this lookup.
   */
  CacheLookup byOrigin(boolean byOrigin) {
    if (this != NONE) {
      this.byOrigin = byOrigin;
    }
    return this;
  }

  /**
   * For a request the service sheds: an entry to serve instead of the {@code 503}, fresh or stale
   * within either stale window; {@link #NONE} when there is none.
   */
  static CacheLookup shed(Caching caching, CachePolicy policy, String operation, String key, String acceptEncoding) {
    Optional<CachedResponse> found = caching.store().get(key);
    if (found.isEmpty() || caching.ageMillis(found.get()) >= policy.retention().toMillis()) {
      return NONE;
    }
    return new CacheLookup(State.SHED, caching, policy, operation, null, key, acceptEncoding, found, Optional.empty());
  }

  /** The entry to serve instead of running the endpoint, if any. */
  public Optional<CachedResponse> hit() {
    return state == State.MISS || state == State.LEAD ? Optional.empty() : entry;
  }

  /** Whether an entry was (or is to be) served from the cache: the call is metered as a {@code cache_hits}. */
  boolean served() {
    return state != State.NONE && hit().isPresent();
  }

  /** Whether what is served is past its ttl. */
  boolean servesStale() {
    return switch (state) {
      case STALE, REFRESH, ERROR -> true;
      case SHED -> caching.ageMillis(entry.orElseThrow()) >= policy.ttl().toMillis();
      default -> false;
    };
  }

  String operation() {
    return operation;
  }

  /** The form of the served (or just stored) entry this client takes: gzip when it can, else the body. */
  public Optional<CachedResponse.Representation> representation() {
    Optional<CachedResponse> e = hit().isPresent() ? hit() : kept;
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (form == null || formOf != e.get()) {
      formOf = e.get();
      form = Optional.of(formOf.representation(acceptEncoding));
    }
    return form;
  }

  /** The last form chosen, and of which entry: the adapter and the headers ask for it. */
  private Optional<CachedResponse.Representation> form;
  private CachedResponse formOf;

  /**
   * Whether this request serves a stale entry and then refreshes it: after answering, run the
   * endpoint with its answer captured (never sent) and {@link #store} it.
   */
  public boolean refreshing() {
    return state == State.REFRESH && !landed;
  }

  /**
   * For an adapter that cannot answer before the endpoint runs: this request refreshes the stale
   * entry in line (the endpoint runs now and its answer is sent and stored); the stale entry stays
   * the fallback should the endpoint fail. Other requests meanwhile are served the stale entry.
   */
  public void refreshInLine() {
    if (state == State.REFRESH) {
      state = State.LEAD;
      revalidated = true;
      caching.recount(operation); // counted as a stale serve; it is a miss now
    }
  }

  /** Whether this request stores the endpoint's answer: capture it and {@link #store} it. */
  public boolean storing() {
    return (state == State.LEAD || state == State.REFRESH) && !landed;
  }

  /** Whether a failure of the endpoint would be answered with a stale entry ({@link #insteadOfError}). */
  public boolean hasFallback() {
    return fallback.isPresent() && (state == State.LEAD || state == State.MISS)
        && caching.ageMillis(fallback.get()) - policy.ttl().toMillis() < policy.staleIfError().toMillis();
  }

  /**
   * Stores the endpoint's answer when it is a {@code 200} (and lands the flight, so the requests
   * waiting on it are served); anything else is not stored and the waiting requests run the endpoint
   * themselves. Call once; later calls are ignored.
   */
  public void store(int status, String contentType, byte[] body) {
    store(status, contentType, body, List.of());
  }

  /**
   * The same, with the answer's headers as the adapter's response holds them (all of them, each value
   * apart): those of the application's own ({@link CachedResponse#replayed(String)}) are kept and sent
   * with every hit; the engine's, the cache's, the framing's, cookies and one exchange's are not (nor
   * the engine's {@code Link} of a deprecated version, which every answer gets afresh). An answer whose
   * {@code Vary} names a request header the cache key does not hold ({@code Accept-Language},
   * {@code Cookie}...) is not stored: it may not be another request's answer; nor is one the
   * application marked as one caller's ({@code Cache-Control: no-store} or {@code private}), which
   * goes out as written. The key holds the
   * request's {@code Origin} when the adapter gave the lookup the request's headers
   * ({@link Admission#cache(String, String, String, java.util.function.UnaryOperator)}): then an answer
   * that varies by {@code Origin} (a CORS filter's) is stored for that origin, with its CORS headers.
   */
  public void store(int status, String contentType, byte[] body, List<Header> headers) {
    if (!storing()) {
      return;
    }
    Optional<CachedResponse> answer = Optional.empty();
    if (status == 200 && contentType != null && !variesOutsideTheKey(headers, byOrigin)
        && !dev.monetize.cache.PrivateAnswers.marked(headers, caching.springSecurityCacheHeaders)) {
      CachedResponse r = CachedResponse.of(operation, status, contentType, body,
          replayable(headers, engineLink, byOrigin), caching.now());
      caching.put(key, r, policy);
      answer = Optional.of(r);
    }
    kept = answer;
    land(answer);
  }

  /** The request headers the cache key holds (the credential's tenant, the form asked for, the version). */
  private static final java.util.Set<String> KEYED = java.util.Set.of("accept", "accept-encoding", "authorization",
      "x-api-key", "api-version");

  /** With the request's {@code Origin} in the key: the preflight's headers too (keyed by their absence). */
  private static final java.util.Set<String> KEYED_BY_ORIGIN = java.util.Set.of("accept", "accept-encoding",
      "authorization", "x-api-key", "api-version", "origin", "access-control-request-method",
      "access-control-request-headers");

  /**
   * Whether a {@code Vary} of {@code answer} names a request header outside the cache key (or is
   * {@code *}), for a key that holds the request's {@code Origin} when {@code byOrigin}.
   */
  static boolean variesOutsideTheKey(List<Header> answer, boolean byOrigin) {
    java.util.Set<String> keyed = byOrigin ? KEYED_BY_ORIGIN : KEYED;
    for (Header h : answer) {
      if (h.name().equalsIgnoreCase("Vary")) {
        for (String member : h.value().split(",")) {
          String name = member.strip().toLowerCase(java.util.Locale.ROOT);
          if (!name.isEmpty() && !keyed.contains(name)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The headers of {@code answer} a hit sends again, in order, without the engine's own
   * {@code engineLink}; with the CORS headers and {@code Vary} of an answer stored for one origin
   * ({@code byOrigin}).
   */
  static List<Header> replayable(List<Header> answer, String engineLink, boolean byOrigin) {
    List<Header> kept = new ArrayList<>(answer.size());
    for (Header h : answer) {
      if (!CachedResponse.replayed(h.name()) && !(byOrigin && CachedResponse.replayedToOneOrigin(h.name()))) {
        continue;
      }
      String value = h.name().equalsIgnoreCase("Link") ? without(h.value(), engineLink) : h.value();
      if (!value.isEmpty()) {
        kept.add(new Header(h.name(), value));
      }
    }
    return kept;
  }

  /**
   * {@code link} (a {@code Link} field: members split at commas outside {@code <...>} and quoted
   * strings, RFC 8288) without the members equal to {@code member}; as written when it has none.
   */
  static String without(String link, String member) {
    if (member.isEmpty() || !link.contains(member)) {
      return link;
    }
    StringBuilder kept = new StringBuilder();
    int start = 0;
    boolean inUri = false;
    boolean quoted = false;
    for (int i = 0; i < link.length(); i++) {
      char c = link.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++; // an escaped character, whatever it is
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        inUri = true;
      } else if (c == '>') {
        inUri = false;
      } else if (c == ',' && !inUri) {
        keep(kept, link.substring(start, i), member);
        start = i + 1;
      }
    }
    keep(kept, link.substring(Math.min(start, link.length())), member); // the last member, terminated or not
    return kept.toString();
  }

  private static void keep(StringBuilder kept, String candidate, String member) {
    String m = candidate.strip();
    if (!m.isEmpty() && !m.equals(member)) {
      kept.append(kept.length() == 0 ? "" : ", ").append(m);
    }
  }

  /** Lands a led flight without an answer (the endpoint failed, or the answer was not captured). */
  public void abandon() {
    if (storing()) {
      land(Optional.empty());
    }
  }

  /**
   * The call completed: a miss it led lands now if the adapter did not store it. A refresh may run
   * after the client's call completed; the adapter lands it ({@link #store} or {@link #abandon}).
   */
  void completed() {
    if (state == State.LEAD) {
      abandon();
    }
  }

  /**
   * The stale entry to serve instead of the endpoint's failure ({@code status} 500 or more, or an
   * exception: pass 500), when one is within the {@code stale-if-error} window; it is then what this
   * request answers ({@link #headers}, {@link #representation()}), and the flight lands without an
   * answer.
   */
  public Optional<CachedResponse> insteadOfError(int status) {
    if (status < 500 || !hasFallback()) {
      return Optional.empty(); // no stale entry, or the endpoint ran past its window
    }
    abandon();
    errorStatus = status;
    state = State.ERROR;
    entry = fallback;
    caching.counted(operation).staleServes.increment();
    return entry;
  }

  private void land(Optional<CachedResponse> answer) {
    landed = true;
    caching.flights().land(flight, answer);
  }

  /** Whether {@code ifNoneMatch} names the entry served or just stored, in either form: answer {@code 304}. */
  public boolean notModified(String ifNoneMatch) {
    Optional<CachedResponse> e = hit().isPresent() ? hit() : kept;
    return e.isPresent() && e.get().matches(ifNoneMatch);
  }

  /** Whether {@code ifNoneMatch} names {@code entry} in either of its forms ({@code *} names any): answer {@code 304}. */
  public static boolean notModified(String ifNoneMatch, CachedResponse entry) {
    return entry.matches(ifNoneMatch);
  }

  /**
   * The served entry's own headers (the application's, as its answer had them when stored): an
   * adapter sends them with a hit's {@code 200}, replacing any of the same name, except {@code Link},
   * which merges with the engine's. Empty without a hit.
   */
  public List<Header> storedHeaders() {
    return hit().map(CachedResponse::headers).orElse(List.of());
  }

  /** The headers of a {@code 200}: see {@link #headers(int)}. */
  public List<Header> headers() {
    return headers(200);
  }

  /**
   * The caching headers of an answer with {@code status}: {@code Vary} and {@code Cache-Status}
   * always; {@code Cache-Control} for a {@code 200} or {@code 304} (an error is never announced as
   * cacheable); {@code ETag} (of the form this client takes) with an entry, served or just stored;
   * {@code Age} when it comes from the cache.
   */
  public List<Header> headers(int status) {
    if (state == State.NONE) {
      return List.of();
    }
    List<Header> h = new ArrayList<>(5);
    if (status != 200 && status != 304) {
      h.add(new Header("Vary", VARY));
      h.add(new Header("Cache-Status", revalidated ? "monetize; fwd=stale" : "monetize; fwd=miss"));
      return h;
    }
    Optional<CachedResponse> e = hit().isPresent() ? hit() : kept;
    long age = e.map(r -> caching.ageMillis(r) / 1000).orElse(0L);
    long maxAge = Math.max(0, policy.ttl().toSeconds() - age);
    h.add(new Header("Cache-Control", cacheControl(maxAge)));
    h.add(new Header("Vary", VARY));
    representation().ifPresent(r -> h.add(new Header("ETag", r.etag())));
    if (hit().isPresent()) {
      h.add(new Header("Age", Long.toString(age)));
    }
    h.add(new Header("Cache-Status", cacheStatus(age)));
    return h;
  }

  private String cacheControl(long maxAge) {
    StringBuilder s = new StringBuilder(policy.shared() ? "public" : "private").append(", max-age=").append(maxAge);
    if (!policy.staleWhileRevalidate().isZero()) {
      s.append(", stale-while-revalidate=").append(policy.staleWhileRevalidate().toSeconds());
    }
    if (!policy.staleIfError().isZero()) {
      s.append(", stale-if-error=").append(policy.staleIfError().toSeconds());
    }
    return s.toString();
  }

  private String cacheStatus(long ageSeconds) {
    long ttl = policy.ttl().toSeconds() - ageSeconds;
    return switch (state) {
      case HIT -> "monetize; hit";
      case SHED -> ttl > 0 ? "monetize; hit" : "monetize; fwd=stale; ttl=" + ttl + "; detail=overloaded";
      case STALE, REFRESH -> "monetize; fwd=stale; ttl=" + ttl;
      case ERROR -> "monetize; fwd=stale; fwd-status=" + errorStatus + "; ttl=" + ttl;
      case LEAD -> (revalidated ? "monetize; fwd=stale" : "monetize; fwd=miss") + (kept.isPresent() ? "; stored" : "");
      default -> "monetize; fwd=miss";
    };
  }
}
