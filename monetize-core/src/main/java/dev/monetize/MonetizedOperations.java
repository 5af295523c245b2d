package dev.monetize;

import dev.monetize.plans.Operation;
import dev.monetize.plans.Price;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns {@link Monetized} annotations into operations, the same way for every adapter that reads
 * them (JAX-RS resources, Spring MVC handlers): the adapter supplies the HTTP method and the path
 * template its framework routes, this class everything else.
 */
public final class MonetizedOperations {
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

  private MonetizedOperations() {}

  /**
   * What one annotated handler declares.
   *
   * @param operation the operation
   * @param cacheTtl how long its answers are cached, when they are
   * @param version the API version it belongs to, when declared
   */
  public record Declared(Operation operation, Optional<Duration> cacheTtl, Optional<String> version) {}

  /**
   * The operation {@code onMethod} and {@code onClass} declare (either may be null) for a handler
   * answering {@code httpMethod} on {@code path} (a template such as {@code /v1/stats/{metric}}).
   *
   * @param defaultId the id when the annotation names none ({@code ClassName.method})
   * @throws IllegalArgumentException naming the attribute that is wrong; the adapter adds the handler's name
   */
  public static Declared declared(Monetized onMethod, Monetized onClass, String defaultId, String httpMethod,
      String path) {
    String id = pick(onMethod, onClass, Monetized::id, defaultId, true);
    String scope = pick(onMethod, onClass, Monetized::scope, id, false);
    String minimumPlan = pick(onMethod, onClass, Monetized::minimumPlan, "", false);
    long cost = onMethod != null && onMethod.cost() != 0 ? onMethod.cost()
        : onClass != null && onClass.cost() != 0 ? onClass.cost() : 1;
    String price = pick(onMethod, onClass, Monetized::price, "", false);
    String currency = pick(onMethod, onClass, Monetized::currency, "USD", false);
    String unit = pick(onMethod, onClass, Monetized::unit, "call", false);
    long ttl = onMethod != null && onMethod.cacheTtlSeconds() != -1 ? onMethod.cacheTtlSeconds()
        : onClass != null ? onClass.cacheTtlSeconds() : -1;
    String version = pick(onMethod, onClass, Monetized::version, "", false);
    {
      Operation.Builder b = Operation.builder(id, httpMethod, path).scope(scope).cost(cost);
      if (!minimumPlan.isEmpty()) {
        b.minimumPlan(minimumPlan);
      }
      if (!price.isEmpty()) {
        BigDecimal amount;
        try {
          amount = new BigDecimal(price);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("price '" + price + "' is not a decimal number such as 0.002");
        }
        if (amount.signum() < 0) {
          throw new IllegalArgumentException("price " + price + " is negative");
        }
        b.price(Price.of(price, currency, unit));
      }
      if (ttl < -1 || ttl == 0) {
        throw new IllegalArgumentException("cacheTtlSeconds must be -1 (no caching) or 1 to 86400, got " + ttl);
      }
      cachePolicy(ttl, onMethod, onClass).ifPresent(b::cache);
      long maxBody = longAttribute(onMethod, onClass, Monetized::maxBodyBytes); // the method's, else the class's
      if (maxBody != 0) {
        b.maxBodyBytes(maxBody);
      }
      String[] audited = onMethod != null && onMethod.auditQuery().length > 0 ? onMethod.auditQuery()
          : onClass != null ? onClass.auditQuery() : new String[0];
      b.auditQuery(java.util.List.of(audited));
      if (!version.isEmpty() && !VERSION.matcher(version).matches()) {
        throw new IllegalArgumentException("version '" + version + "' must be 1-32 of A-Z a-z 0-9 . _ -");
      }
      if (!version.isEmpty()) {
        b.version(version);
      }
      // the class's lifecycle is the default of its methods, as its other attributes are, but not of a method
      // that declares a version of its own: that version's life is its own
      boolean ownVersion = onMethod != null && onClass != null && !onMethod.version().isEmpty()
          && !onMethod.version().equals(onClass.version());
      lifecycle(onMethod, ownVersion ? null : onClass).ifPresent(b::lifecycle);
      return new Declared(b.build(), ttl < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(ttl)),
          version.isEmpty() ? Optional.empty() : Optional.of(version));
    }
  }

  /** The cache policy the annotations describe; a cache attribute without a ttl is a mistake. */
  private static Optional<dev.monetize.plans.CachePolicy> cachePolicy(long ttl, Monetized onMethod, Monetized onClass) {
    String[] tags = onMethod != null && onMethod.cacheTags().length > 0 ? onMethod.cacheTags()
        : onClass != null ? onClass.cacheTags() : new String[0];
    long swr = longAttribute(onMethod, onClass, Monetized::cacheStaleWhileRevalidateSeconds);
    long sie = longAttribute(onMethod, onClass, Monetized::cacheStaleIfErrorSeconds);
    String[] query = onMethod != null && !Arrays.equals(onMethod.cacheQuery(), ALL) ? onMethod.cacheQuery()
        : onClass != null ? onClass.cacheQuery() : ALL;
    boolean shared = onMethod != null && onMethod.cacheShared() || onClass != null && onClass.cacheShared();
    if (ttl <= 0) {
      if (tags.length > 0 || swr != 0 || sie != 0 || !Arrays.equals(query, ALL) || shared) {
        throw new IllegalArgumentException("cache attributes without cacheTtlSeconds cache nothing");
      }
      return Optional.empty();
    }
    if (swr < 0 || swr > 86_400 || sie < 0 || sie > 86_400) {
      throw new IllegalArgumentException("cacheStaleWhileRevalidateSeconds and cacheStaleIfErrorSeconds are 0 to 86400, got "
          + swr + " and " + sie);
    }
    dev.monetize.plans.CachePolicy p = dev.monetize.plans.CachePolicy.ttl(Duration.ofSeconds(ttl)).withTags(tags)
        .staleWhileRevalidate(Duration.ofSeconds(swr)).staleIfError(Duration.ofSeconds(sie));
    if (!Arrays.equals(query, ALL)) {
      p = p.withQueryParameters(query);
    }
    return Optional.of(shared ? p.sharedCaches() : p);
  }

  private static final String[] ALL = {"*"};

  /** The lifecycle the annotations declare (each attribute the method's, else the class's), if they name a deprecation date. */
  private static Optional<dev.monetize.plans.Lifecycle> lifecycle(Monetized onMethod, Monetized onClass) {
    String deprecated = pick(onMethod, onClass, Monetized::deprecated, "", false);
    String sunset = pick(onMethod, onClass, Monetized::sunset, "", false);
    String successor = pick(onMethod, onClass, Monetized::successor, "", false);
    String guide = pick(onMethod, onClass, Monetized::migrationGuide, "", false);
    if (deprecated.isEmpty()) {
      if (!sunset.isEmpty() || !successor.isEmpty() || !guide.isEmpty()) {
        throw new IllegalArgumentException("sunset, successor and migrationGuide need deprecated");
      }
      return Optional.empty();
    }
    dev.monetize.plans.Lifecycle l = dev.monetize.plans.Lifecycle.deprecated(when(deprecated, "deprecated"));
    if (!sunset.isEmpty()) {
      l = l.sunset(when(sunset, "sunset"));
    }
    if (!successor.isEmpty()) {
      l = l.successor(successor);
    }
    if (!guide.isEmpty()) {
      try {
        l = l.guide(new java.net.URI(guide));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("migrationGuide '" + guide + "' is not a URL or path");
      }
    }
    return Optional.of(l);
  }

  private static java.time.Instant when(String text, String attribute) {
    try {
      return text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
          : java.time.Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(attribute + " '" + text + "' must be a date such as 2026-06-01 or an instant");
    }
  }

  private static long longAttribute(Monetized onMethod, Monetized onClass, java.util.function.ToLongFunction<Monetized> f) {
    return onMethod != null && f.applyAsLong(onMethod) != 0 ? f.applyAsLong(onMethod)
        : onClass != null ? f.applyAsLong(onClass) : 0;
  }

  private interface Attribute {
    String of(Monetized m);
  }

  private static String pick(Monetized onMethod, Monetized onClass, Attribute a, String fallback, boolean methodOnly) {
    if (onMethod != null && !a.of(onMethod).isEmpty()) {
      return a.of(onMethod);
    }
    if (!methodOnly && onClass != null && !a.of(onClass).isEmpty()) {
      return a.of(onClass);
    }
    return fallback;
  }

}
