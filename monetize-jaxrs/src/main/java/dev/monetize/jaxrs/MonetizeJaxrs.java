package dev.monetize.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@link Monetized} resources into operations, once, at startup.
 *
 * <pre>{@code
 * Catalog catalog = MonetizeJaxrs.catalog(CatalogLoader.load(Path.of("plans.yaml")), StatsResource.class);
 * Monetize monetize = Monetize.builder().catalog(catalog).build();
 * resourceConfig.register(new MonetizeFeature(monetize));
 * }</pre>
 */
public final class MonetizeJaxrs {
  /**
   * The application property that holds the engine, for resources registered as classes
   * ({@link OpenApiResource}, {@link ManagementResource}): Jersey warns about resource instances
   * registered with {@code register(Object)}, never about classes.
   *
   * <pre>{@code
   * new ResourceConfig().property(MonetizeJaxrs.ENGINE_PROPERTY, monetize)
   *     .register(new MonetizeFeature(monetize))
   *     .register(OpenApiResource.class).register(ManagementResource.class);
   * }</pre>
   */
  public static final String ENGINE_PROPERTY = "dev.monetize.Monetize";

  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

  private MonetizeJaxrs() {}

  /** The engine in the application's {@link #ENGINE_PROPERTY}, or a failure saying how to set it. */
  static Monetize engine(jakarta.ws.rs.core.Configuration configuration) {
    Object engine = configuration == null ? null : configuration.getProperty(ENGINE_PROPERTY);
    if (engine instanceof Monetize m) {
      return m;
    }
    throw new IllegalStateException("a Monetize resource registered as a class needs the engine in the application "
        + "property " + ENGINE_PROPERTY + " (for example ResourceConfig.property(MonetizeJaxrs.ENGINE_PROPERTY, "
        + "monetize)); found " + (engine == null ? "none" : engine.getClass().getName()));
  }

  /**
   * One monetized resource method.
   *
   * @param method the Java method
   * @param operation the operation it is (id, HTTP method, path template, scope, plan, price, cost)
   * @param cacheTtl how long its responses may be cached, if at all
   * @param version its API version, if any
   */
  public record Endpoint(Method method, Operation operation, Optional<Duration> cacheTtl, Optional<String> version) {}

  /**
   * The plans and operations of {@code base} plus one operation per monetized method of
   * {@code resources}. A mistake fails with a message that names the method.
   */
  public static Catalog catalog(Catalog base, Class<?>... resources) {
    List<Endpoint> all = new ArrayList<>();
    for (Class<?> resource : resources) {
      all.addAll(endpoints(resource));
    }
    return catalog(base, all.toArray(Endpoint[]::new));
  }

  static Catalog catalog(Catalog base, Endpoint... endpoints) {
    Catalog.Builder b = base.toBuilder();
    Map<String, String> methodsById = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      String name = name(e.method());
      e.operation().minimumPlan().ifPresent(p -> {
        if (base.plan(p).isEmpty()) {
          throw new IllegalArgumentException(name + ": minimum plan '" + p + "' is not a plan (plans: "
              + base.plans().stream().map(Plan::name).toList() + ")");
        }
      });
      Optional<Operation> declared = base.operation(e.operation().id());
      if (declared.isPresent()) {
        // also declared in the plans file: fine if both say the same, a mistake otherwise
        if (!declared.get().equals(e.operation())) {
          throw new IllegalArgumentException(name + ": operation '" + e.operation().id()
              + "' differs from the one in the plans (" + declared.get() + " vs " + e.operation() + ")");
        }
        continue;
      }
      try {
        b.operation(e.operation());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(name + ": " + ex.getMessage(), ex);
      }
      methodsById.put(e.operation().id(), name);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException ex) {
      for (Map.Entry<String, String> m : methodsById.entrySet()) {
        if (ex.getMessage().contains("operation '" + m.getKey() + "'")) {
          throw new IllegalArgumentException(m.getValue() + ": " + ex.getMessage(), ex);
        }
      }
      throw ex;
    }
  }

  /** The monetized methods of {@code resource}, in declaration order. */
  public static List<Endpoint> endpoints(Class<?> resource) {
    List<Endpoint> out = new ArrayList<>();
    for (Method m : resource.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) && httpMethod(m).isPresent()
          && (m.isAnnotationPresent(Monetized.class) || resource.isAnnotationPresent(Monetized.class))) {
        out.add(endpoint(resource, m));
      }
    }
    out.sort(java.util.Comparator.comparing(e -> e.operation().id()));
    return out;
  }

  /** The endpoint of one resource method, or empty when it is not monetized. */
  public static Optional<Endpoint> endpointOf(Class<?> resource, Method method) {
    if (httpMethod(method).isEmpty()
        || !(method.isAnnotationPresent(Monetized.class) || resource.isAnnotationPresent(Monetized.class))) {
      return Optional.empty();
    }
    return Optional.of(endpoint(resource, method));
  }

  private static Endpoint endpoint(Class<?> resource, Method m) {
    return endpoint(resource, m, m.getAnnotation(Monetized.class), resource.getAnnotation(Monetized.class));
  }

  /** The endpoint for these annotation values (either may be null). */
  static Endpoint endpoint(Class<?> resource, Method m, Monetized onMethod, Monetized onClass) {
    String name = name(m);
    String id = pick(onMethod, onClass, Monetized::id, resource.getSimpleName() + "." + m.getName(), true);
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
    try {
      Operation.Builder b = Operation.builder(id, httpMethod(m).orElseThrow(), path(resource, m)).scope(scope).cost(cost);
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
      lifecycle(onMethod != null ? onMethod : onClass).ifPresent(b::lifecycle);
      return new Endpoint(m, b.build(), ttl < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(ttl)),
          version.isEmpty() ? Optional.empty() : Optional.of(version));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
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

  /** The lifecycle an annotation declares, if it names a deprecation date. */
  private static Optional<dev.monetize.plans.Lifecycle> lifecycle(Monetized a) {
    if (a == null || a.deprecated().isEmpty()) {
      if (a != null && (!a.sunset().isEmpty() || !a.successor().isEmpty() || !a.migrationGuide().isEmpty())) {
        throw new IllegalArgumentException("sunset, successor and migrationGuide need deprecated");
      }
      return Optional.empty();
    }
    dev.monetize.plans.Lifecycle l = dev.monetize.plans.Lifecycle.deprecated(when(a.deprecated(), "deprecated"));
    if (!a.sunset().isEmpty()) {
      l = l.sunset(when(a.sunset(), "sunset"));
    }
    if (!a.successor().isEmpty()) {
      l = l.successor(a.successor());
    }
    if (!a.migrationGuide().isEmpty()) {
      try {
        l = l.guide(new java.net.URI(a.migrationGuide()));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("migrationGuide '" + a.migrationGuide() + "' is not a URL or path");
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

  static String name(Method m) {
    return m.getDeclaringClass().getName() + "#" + m.getName();
  }

  static Optional<String> httpMethod(Method m) {
    for (Annotation a : m.getAnnotations()) {
      HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
      if (h != null) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  /** Class and method {@code @Path}s joined, with regular expressions removed from variables. */
  static String path(Class<?> resource, Method m) {
    StringBuilder sb = new StringBuilder();
    Path c = resource.getAnnotation(Path.class);
    Path p = m.getAnnotation(Path.class);
    for (Path part : new Path[] {c, p}) {
      if (part == null) {
        continue;
      }
      for (String segment : stripRegex(part.value()).split("/")) {
        if (!segment.isEmpty()) {
          sb.append('/').append(segment);
        }
      }
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  private static String stripRegex(String template) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    boolean skipping = false;
    for (int i = 0; i < template.length(); i++) {
      char ch = template.charAt(i);
      if (ch == '{') {
        depth++;
        if (depth == 1) {
          out.append(ch);
          continue;
        }
      } else if (ch == '}') {
        depth--;
        if (depth == 0) {
          skipping = false;
          out.append(ch);
          continue;
        }
      } else if (ch == ':' && depth == 1) {
        skipping = true;
        continue;
      }
      if (!skipping) {
        out.append(depth == 1 && ch == ' ' ? "" : String.valueOf(ch));
      }
    }
    return out.toString();
  }
}
