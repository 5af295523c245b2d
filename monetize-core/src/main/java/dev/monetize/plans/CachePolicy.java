package dev.monetize.plans;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How an operation's answers are cached: for how long, under which tags (invalidating a tag, for a
 * tenant or for everyone, drops them at once), which query parameters change the answer (all by
 * default), and whether a shared cache may keep them ({@code Cache-Control: public}; never for
 * tenant data unless the operator says so).
 *
 * <pre>{@code
 * CachePolicy.ttl(Duration.ofSeconds(60)).withTags("stats").withQueryParameters("from", "to")
 * }</pre>
 *
 * @param ttl how long an answer is served from the cache, 1 s to 1 day
 * @param tags the tags its entries are stored under
 * @param queryParameters the only query parameters that change the answer; empty: all of them
 * @param shared whether shared caches (CDNs, proxies) may keep it too
 */
public record CachePolicy(Duration ttl, Set<String> tags, Optional<Set<String>> queryParameters, boolean shared) {
  /** The longest time to live. */
  public static final Duration MAX_TTL = Duration.ofDays(1);

  /** Validates and copies. */
  public CachePolicy {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("a cache ttl is 1 s to 1 day, got " + ttl);
    }
    tags = Set.copyOf(tags);
    for (String t : tags) {
      Names.requirePolicyName(t, "cache tag");
    }
    queryParameters = queryParameters.map(Set::copyOf);
  }

  /** Answers kept for {@code ttl}, no tags, every query parameter counts, private. */
  public static CachePolicy ttl(Duration ttl) {
    return new CachePolicy(ttl, Set.of(), Optional.empty(), false);
  }

  /** The same, stored under these tags too. */
  public CachePolicy withTags(String... tags) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(this.tags);
    all.addAll(Set.of(tags));
    return new CachePolicy(ttl, all, queryParameters, shared);
  }

  /** The same, keyed only by these query parameters. */
  public CachePolicy withQueryParameters(String... names) {
    return new CachePolicy(ttl, tags, Optional.of(Set.of(names)), shared);
  }

  /** The same, marked cacheable by shared caches ({@code Cache-Control: public}). */
  public CachePolicy sharedCaches() {
    return new CachePolicy(ttl, tags, queryParameters, true);
  }
}
