package dev.monetize.plans;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a version of an operation stands: deprecated from a time (answers carry {@code Deprecation},
 * RFC 9745, and {@code Sunset}, RFC 8594), retired at its sunset ({@code 410 version_sunset} naming
 * the successor), with a migration guide ({@code Link: <guide>; rel="deprecation"}).
 *
 * <pre>{@code
 * Lifecycle.deprecated(Instant.parse("2026-06-01T00:00:00Z"))
 *     .sunset(Instant.parse("2027-06-30T00:00:00Z")).successor("stats.summary")
 *     .guide(URI.create("https://example.com/docs/migrations/v0-to-v1"));
 * }</pre>
 *
 * @param deprecatedAt from when the version is deprecated (announced from the start, as RFC 9745 allows)
 * @param sunsetAt when the version stops answering; never before {@code deprecatedAt}
 * @param successor the operation id that replaces it
 * @param guide the migration guide: an http(s) URL, or a path from the root of the API's site
 */
public record Lifecycle(Instant deprecatedAt, Optional<Instant> sunsetAt, Optional<String> successor,
    Optional<URI> guide) {
  /** Validates. */
  public Lifecycle {
    Objects.requireNonNull(deprecatedAt, "deprecatedAt");
    Objects.requireNonNull(sunsetAt, "sunsetAt");
    Objects.requireNonNull(successor, "successor");
    Objects.requireNonNull(guide, "guide");
    for (Instant at : sunsetAt.map(s -> java.util.List.of(deprecatedAt, s)).orElse(java.util.List.of(deprecatedAt))) {
      if (at.isBefore(FIRST) || !at.isBefore(PAST_LAST)) { // headers carry it: an HTTP-date has four digits of year
        throw new IllegalArgumentException("a deprecation or sunset must fall in the years 1970 to 9999, got " + at);
      }
    }
    sunsetAt.ifPresent(s -> {
      if (s.isBefore(deprecatedAt)) {
        throw new IllegalArgumentException("the sunset (" + s + ") is before the deprecation (" + deprecatedAt
            + "): a version is deprecated first");
      }
    });
    guide.ifPresent(g -> {
      String scheme = g.getScheme() == null ? "" : g.getScheme().toLowerCase(java.util.Locale.ROOT);
      boolean web = scheme.equals("https") || scheme.equals("http");
      if (g.isAbsolute() ? !web || g.getHost() == null
          : g.getRawAuthority() != null || g.getRawPath() == null || !g.getRawPath().startsWith("/")) {
        throw new IllegalArgumentException("the migration guide must be an http(s) URL or a path from the root of "
            + "the API's site (/docs/...), got '" + g + "': a relative path would be read against each request's path");
      }
    });
  }

  private static final Instant FIRST = Instant.EPOCH;
  private static final Instant PAST_LAST = Instant.parse("+10000-01-01T00:00:00Z");

  /** A version deprecated from {@code at}, with no sunset, successor or guide yet. */
  public static Lifecycle deprecated(Instant at) {
    return new Lifecycle(at, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The same, retired at {@code at}. */
  public Lifecycle sunset(Instant at) {
    return new Lifecycle(deprecatedAt, Optional.of(at), successor, guide);
  }

  /** The same, replaced by the operation {@code operationId}. */
  public Lifecycle successor(String operationId) {
    return new Lifecycle(deprecatedAt, sunsetAt, Optional.of(operationId), guide);
  }

  /** The same, with a migration guide. */
  public Lifecycle guide(URI url) {
    return new Lifecycle(deprecatedAt, sunsetAt, successor, Optional.of(url));
  }

  /** Whether the version no longer answers at {@code now}. */
  public boolean sunsetBy(Instant now) {
    return sunsetAt.isPresent() && !now.isBefore(sunsetAt.get());
  }
}
