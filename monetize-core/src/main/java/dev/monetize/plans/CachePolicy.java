package dev.monetize.plans;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How an operation's answers are cached: for how long they are fresh, how long past that a stale
 * answer may still be served while one request refreshes it ({@code stale-while-revalidate}) or
 * while the endpoint fails or the service sheds load ({@code stale-if-error}, RFC 5861), under which
 * tags (invalidating a tag, for a tenant or for everyone, drops them at once), which query
 * parameters change the answer (all by default), and whether a shared cache may keep them
 * ({@code Cache-Control: public}; never for tenant data unless the operator says so).
 *
 * <pre>{@code
 * CachePolicy.ttl(Duration.ofSeconds(60)).withTags("stats").withQueryParameters("from", "to")
 *     .staleWhileRevalidate(Duration.ofSeconds(30)).staleIfError(Duration.ofMinutes(10))
 * }</pre>
 *
 * @param ttl how long an answer is fresh (served from the cache), 1 s to 1 day
 * @param staleWhileRevalidate how long past {@code ttl} a stale answer is served while one request
 *     refreshes it, 0 to 1 day
 * @param staleIfError how long past {@code ttl} a stale answer is served instead of a failure
 *     ({@code 5xx}, an exception, load shedding), 0 to 1 day
 * @param tags the tags its entries are stored under
 * @param queryParameters the only query parameters that change the answer; empty: all of them
 * @param shared whether shared caches (CDNs, proxies) may keep it too
 */
public record CachePolicy(Duration ttl, Duration staleWhileRevalidate, Duration staleIfError, Set<String> tags,
    Optional<Set<String>> queryParameters, boolean shared) {
  /** The longest time to live. */
  public static final Duration MAX_TTL = Duration.ofDays(1);

  /** Validates and copies. */
  public CachePolicy {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("a cache ttl is 1 s to 1 day, got " + ttl);
    }
    requireWindow(staleWhileRevalidate, "stale-while-revalidate");
    requireWindow(staleIfError, "stale-if-error");
    tags = Set.copyOf(tags);
    for (String t : tags) {
      Names.requirePolicyName(t, "cache tag");
    }
    queryParameters = queryParameters.map(Set::copyOf);
  }

  /** Answers kept for {@code ttl}, no tags, every query parameter counts, private. */
  public static CachePolicy ttl(Duration ttl) {
    return new CachePolicy(ttl, Duration.ZERO, Duration.ZERO, Set.of(), Optional.empty(), false);
  }

  private static void requireWindow(Duration window, String name) {
    Objects.requireNonNull(window, name);
    if (window.isNegative() || window.compareTo(MAX_TTL) > 0 || window.getNano() != 0) {
      throw new IllegalArgumentException("a cache " + name + " window is 0 s to 1 day in whole seconds, got " + window);
    }
  }

  /** The same, serving a stale answer for up to {@code window} past its ttl while one request refreshes it. */
  public CachePolicy staleWhileRevalidate(Duration window) {
    return new CachePolicy(ttl, window, staleIfError, tags, queryParameters, shared);
  }

  /** The same, serving a stale answer for up to {@code window} past its ttl when the endpoint fails. */
  public CachePolicy staleIfError(Duration window) {
    return new CachePolicy(ttl, staleWhileRevalidate, window, tags, queryParameters, shared);
  }

  /** How long an entry is kept: fresh for the ttl, then as long as either stale window lasts. */
  public Duration retention() {
    return ttl.plus(staleWhileRevalidate.compareTo(staleIfError) > 0 ? staleWhileRevalidate : staleIfError);
  }

  /** The same, stored under these tags too. */
  public CachePolicy withTags(String... tags) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(this.tags);
    all.addAll(Set.of(tags));
    return new CachePolicy(ttl, staleWhileRevalidate, staleIfError, all, queryParameters, shared);
  }

  /** The same, keyed only by these query parameters. */
  public CachePolicy withQueryParameters(String... names) {
    return new CachePolicy(ttl, staleWhileRevalidate, staleIfError, tags, Optional.of(Set.of(names)), shared);
  }

  /** The same, marked cacheable by shared caches ({@code Cache-Control: public}). */
  public CachePolicy sharedCaches() {
    return new CachePolicy(ttl, staleWhileRevalidate, staleIfError, tags, queryParameters, true);
  }
}
