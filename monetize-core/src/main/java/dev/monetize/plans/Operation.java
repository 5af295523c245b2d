package dev.monetize.plans;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A monetized endpoint: what it is called, where it lives, who may call it and what it costs.
 *
 * <pre>{@code
 * Operation export = Operation.builder("export", "GET", "/v1/export")
 *     .scope("export:read")
 *     .minimumPlan("pro")
 *     .price(Price.of("0.01", "USD", "call"))
 *     .cost(10)
 *     .build();
 * }</pre>
 *
 * @param id stable operation id, used in usage, audit and metrics
 * @param method HTTP method, upper case
 * @param pathTemplate path template such as {@code /v1/reports/{id}}
 * @param scope the scope a key must hold
 * @param minimumPlan the lowest plan (by rank) that may call it, if any
 * @param price price of one unit, if priced
 * @param cost units charged against limits per call (weighted cost), at least 1
 * @param cache how its answers are cached, if they are
 * @param maxBodyBytes the largest request body it accepts: a larger one is {@code 413 payload_too_large}
 *     before the endpoint reads past it (1 byte to 1 GiB; {@link #DEFAULT_MAX_BODY} by default)
 * @param auditQuery the query parameters whose values the audit trail keeps in clear (every other
 *     value is kept as a keyed hash); none by default
 * @param version the API version it belongs to ({@code v1}), if versioned
 * @param lifecycle its deprecation and sunset, if it is on the way out
 * @param versionByHeader whether its version is chosen by the {@code Api-Version} header among
 *     operations of the same method and path (rather than by a path of its own)
 */
public record Operation(
    String id,
    String method,
    String pathTemplate,
    String scope,
    Optional<String> minimumPlan,
    Optional<Price> price,
    long cost,
    Optional<CachePolicy> cache,
    long maxBodyBytes,
    Set<String> auditQuery,
    Optional<String> version,
    Optional<Lifecycle> lifecycle,
    boolean versionByHeader) {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  /** The largest request body an operation accepts unless it says otherwise: 1 MiB. */
  public static final long DEFAULT_MAX_BODY = 1L << 20;
  /** The largest body limit an operation may set: 1 GiB. */
  public static final long MAX_BODY = 1L << 30;
  /** The largest weighted cost of one call. */
  public static final long MAX_COST = 10_000;

  /** Validates the values and names the wrong one. */
  public Operation {
    Names.requireOperationId(id, "operation id");
    Objects.requireNonNull(method, "method");
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "operation '" + id + "': method must be one of " + new java.util.TreeSet<>(METHODS) + ", got '" + method + "'");
    }
    Objects.requireNonNull(pathTemplate, "pathTemplate");
    if (!pathTemplate.startsWith("/")) {
      throw new IllegalArgumentException("operation '" + id + "': path must start with '/', got '" + pathTemplate + "'");
    }
    Names.requireScope(scope, "operation '" + id + "' scope");
    Objects.requireNonNull(minimumPlan, "minimumPlan");
    minimumPlan.ifPresent(p -> Names.requirePlanName(p, "operation '" + id + "' minimum plan"));
    Objects.requireNonNull(price, "price");
    if (cost < 1 || cost > MAX_COST) {
      throw new IllegalArgumentException("operation '" + id + "': cost must be 1.." + MAX_COST + ", got " + cost);
    }
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY) {
      throw new IllegalArgumentException("operation '" + id + "': the body limit must be 1 byte to 1 GiB, got "
          + maxBodyBytes);
    }
    Objects.requireNonNull(cache, "cache");
    auditQuery = Set.copyOf(auditQuery);
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(lifecycle, "lifecycle");
    if (versionByHeader && version.isEmpty()) {
      throw new IllegalArgumentException("operation '" + id + "': a version chosen by the Api-Version header needs a version");
    }
    version.ifPresent(v -> {
      if (!v.matches("[A-Za-z0-9._-]{1,32}")) {
        throw new IllegalArgumentException("operation '" + id + "': version '" + v + "' must be 1-32 of A-Z a-z 0-9 . _ -");
      }
    });
    if (cache.isPresent() && !method.equals("GET")) {
      throw new IllegalArgumentException("operation '" + id + "': only GET answers are cached, not " + method);
    }
  }

  /** Starts a builder; scope defaults to the id, cost to 1, no minimum plan, no price. */
  public static Builder builder(String id, String method, String pathTemplate) {
    return new Builder(id, method, pathTemplate);
  }

  /** Builder of {@link Operation}. */
  public static final class Builder {
    private final String id;
    private final String method;
    private final String pathTemplate;
    private String scope;
    private Optional<String> minimumPlan = Optional.empty();
    private Optional<Price> price = Optional.empty();
    private long cost = 1;
    private Optional<CachePolicy> cache = Optional.empty();
    private long maxBodyBytes = DEFAULT_MAX_BODY;
    private Set<String> auditQuery = Set.of();
    private Optional<String> version = Optional.empty();
    private Optional<Lifecycle> lifecycle = Optional.empty();
    private boolean versionByHeader;

    private Builder(String id, String method, String pathTemplate) {
      this.id = id;
      this.method = method == null ? null : method.toUpperCase(Locale.ROOT);
      this.pathTemplate = pathTemplate;
      this.scope = id;
    }

    /** The scope a key must hold. */
    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    /** The lowest plan that may call the operation. */
    public Builder minimumPlan(String plan) {
      this.minimumPlan = Optional.of(plan);
      return this;
    }

    /** The price of one unit. */
    public Builder price(Price price) {
      this.price = Optional.of(price);
      return this;
    }

    /** Units charged against limits per call. */
    public Builder cost(long cost) {
      this.cost = cost;
      return this;
    }

    /** Caches its answers ({@code GET} operations only). */
    public Builder cache(CachePolicy cache) {
      this.cache = Optional.of(cache);
      return this;
    }

    /** The largest request body it accepts (default {@link #DEFAULT_MAX_BODY}). */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The query parameters whose values the audit trail keeps in clear (default: none). */
    public Builder auditQuery(java.util.Collection<String> names) {
      this.auditQuery = Set.copyOf(names);
      return this;
    }

    /** The API version it belongs to. */
    public Builder version(String version) {
      this.version = Optional.of(version);
      return this;
    }

    /** Its version is chosen by the {@code Api-Version} header among operations of the same method and path. */
    public Builder versionByHeader(boolean byHeader) {
      this.versionByHeader = byHeader;
      return this;
    }

    /** Its deprecation and sunset. */
    public Builder lifecycle(Lifecycle lifecycle) {
      this.lifecycle = Optional.of(lifecycle);
      return this;
    }

    /** Validates and builds. */
    public Operation build() {
      return new Operation(id, method, pathTemplate, scope, minimumPlan, price, cost, cache, maxBodyBytes, auditQuery,
          version, lifecycle, versionByHeader);
    }
  }
}
