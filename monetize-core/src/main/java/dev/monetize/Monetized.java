package dev.monetize;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method (or every handler of a class) as a monetized operation: a JAX-RS resource
 * method ({@code monetize-jaxrs}) or a Spring MVC handler method ({@code monetize-spring-boot-starter}).
 * On a class the values are defaults; on a method they override the class's. Unset values: the id is
 * {@code ClassName.method}, the scope is the id, no minimum plan, cost 1, no price.
 * {@link MonetizedOperations} turns them into an {@link dev.monetize.plans.Operation}.
 *
 * <pre>{@code
 * @Path("/v1/stats") @Monetized(scope = "stats:read")
 * public class StatsResource {
 *   @GET @Path("summary") @Monetized(id = "stats.summary", price = "0.002")
 *   public Summary summary() { ... }
 *
 *   @GET @Path("export") @Monetized(id = "export", minimumPlan = "pro", cost = 10, scope = "export:read")
 *   public String export() { ... }
 * }
 * }</pre>
 *
 * Invalid values (an unknown plan, a negative price, a cost below 1) fail the deployment with a
 * message naming the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Monetized {
  /** Operation id, stable across releases (usage, audit, prices refer to it). */
  String id() default "";

  /** Scope a key must hold. */
  String scope() default "";

  /** Lowest plan (by rank) that may call it. */
  String minimumPlan() default "";

  /** Units charged against rate limits and quotas per call; 0 means unset (1). */
  long cost() default 0;

  /** Price per call as a decimal string, e.g. {@code "0.002"}; empty for none. */
  String price() default "";

  /** ISO 4217 currency of the price (default USD). */
  String currency() default "";

  /** Unit of the price (default {@code call}). */
  String unit() default "";

  /**
   * How long an answer is served from the response cache, in seconds (1 to 86,400, {@code GET}
   * only); -1 for no caching.
   */
  long cacheTtlSeconds() default -1;

  /** The tags cached answers are stored under ({@code monetize.cache().invalidate(tenant, tag)}). */
  String[] cacheTags() default {};

  /** Seconds past the ttl a stale answer is served while one request refreshes it (0 to 86,400). */
  long cacheStaleWhileRevalidateSeconds() default 0;

  /** Seconds past the ttl a stale answer is served instead of a failure or a load-shedding refusal (0 to 86,400). */
  long cacheStaleIfErrorSeconds() default 0;

  /** The only query parameters that change a cached answer; {@code "*"} (the default) for all of them. */
  String[] cacheQuery() default {"*"};

  /** Whether shared caches (CDNs, proxies) may keep cached answers ({@code Cache-Control: public}). */
  boolean cacheShared() default false;

  /** The largest request body in bytes (1 to 1 GiB); 0 for the default, 1 MiB. */
  long maxBodyBytes() default 0;

  /**
   * The query parameters whose values the audit trail keeps in clear; every other value is kept as a
   * keyed hash (default: none in clear).
   */
  String[] auditQuery() default {};

  /** API version the operation belongs to, e.g. {@code v1}. */
  String version() default "";

  /**
   * The date this version is deprecated from ({@code 2026-06-01}, midnight UTC, or an RFC 3339
   * instant): answers carry {@code Deprecation}, and {@code Sunset} and {@code Link} when set.
   * Empty: not deprecated. On a class, with {@link #sunset()}, {@link #successor()} and the guide,
   * the default of every method of the class, annotated or not, except one that names a
   * {@link #version()} other than the class's.
   */
  String deprecated() default "";

  /** The date the version stops answering ({@code 410 version_sunset}); needs {@link #deprecated()}. */
  String sunset() default "";

  /** The operation id that replaces this version, named in the {@code 410} after its sunset. */
  String successor() default "";

  /** The migration guide, an http(s) URL or a path, sent as {@code Link: <guide>; rel="deprecation"}. */
  String migrationGuide() default "";

  /**
   * The type of the answer's JSON body, for the OpenAPI document's schema ({@code Void}: the
   * handler's return type when it is a data type, else a generic answer).
   */
  Class<?> response() default Void.class;

  /** The type of the request's JSON body, for the OpenAPI document's schema ({@code Void}: none declared). */
  Class<?> request() default Void.class;

  /** The status of a successful answer, for the OpenAPI document (200 unless it says otherwise, e.g. 202). */
  int status() default 200;
}
