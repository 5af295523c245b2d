package dev.monetize.jaxrs;

import dev.monetize.Monetized;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.lang.annotation.Annotation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Arbitrary annotation values either make a valid operation (and a valid OpenAPI document) or fail
 * with a message naming the method.
 */
class AnnotationProperties {
  private static final Catalog PLANS = Catalog.builder()
      .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(10).withBurst(10_000)).quota(Quota.daily(100_000)).build())
      .build();

  /** An annotation instance with chosen values (annotation interfaces can be implemented). */
  record Values(String id, String scope, String minimumPlan, long cost, String price, String currency, String unit,
      long cacheTtlSeconds, String version, String[] cacheTags, long cacheStaleWhileRevalidateSeconds,
      long cacheStaleIfErrorSeconds, String[] cacheQuery, boolean cacheShared, long maxBodyBytes,
      String[] auditQuery) implements Monetized {
    @Override
    public String deprecated() {
      return "";
    }

    @Override
    public String sunset() {
      return "";
    }

    @Override
    public String successor() {
      return "";
    }

    @Override
    public String migrationGuide() {
      return "";
    }

    @Override
    public Class<?> response() {
      return Void.class;
    }

    @Override
    public Class<?> request() {
      return Void.class;
    }

    @Override
    public int status() {
      return 200;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Monetized.class;
    }
  }

  @Property(tries = 200)
  void anyValuesGiveAnOperationOrANamedError(@ForAll("text") String id, @ForAll("text") String scope,
      @ForAll("plans") String plan, @ForAll("costs") long cost, @ForAll("prices") String price,
      @ForAll("text") String currency, @ForAll("ttls") long ttl, @ForAll("text") String version,
      @ForAll("ttls") long stale, @ForAll("queries") String[] query, @ForAll boolean shared) throws Exception {
    Values v = new Values(id, scope, plan, cost, price, currency, "call", ttl, version, new String[0], stale, stale / 2,
        query, shared, cost * 1024, query);
    java.lang.reflect.Method m = Resources.Public.class.getMethod("hello");
    try {
      MonetizeJaxrs.Endpoint e = MonetizeJaxrs.endpoint(Resources.Public.class, m, v, null);
      Catalog c = MonetizeJaxrs.catalog(PLANS, e);
      assertThat(c.operation(e.operation().id())).contains(e.operation());
      // and the generated OpenAPI document of that catalog is valid
      io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
      options.setResolve(true);
      assertThat(new io.swagger.parser.OpenAPIParser()
          .readContents(dev.monetize.openapi.OpenApi.of(c).json(), null, options).getMessages()).isEmpty();
      assertThat(e.operation().cost()).isBetween(1L, 10_000L);
      e.operation().price().ifPresent(p -> assertThat(p.amount().signum()).isNotNegative());
      e.operation().cache().ifPresent(p -> {
        assertThat(p.ttl().toSeconds()).isEqualTo(ttl);
        assertThat(p.staleWhileRevalidate().toSeconds()).isEqualTo(stale);
        assertThat(p.shared()).isEqualTo(shared);
        assertThat(p.queryParameters().isEmpty()).isEqualTo(java.util.Arrays.equals(query, new String[] {"*"}));
      });
      assertThat(e.operation().auditQuery()).isEqualTo(java.util.Set.of(java.util.Arrays.stream(query).distinct().toArray()));
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).startsWith("dev.monetize.jaxrs.Resources$Public#hello: ");
    }
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(Arbitraries.of("", "stats:read", "stats.summary", "v1", "USD", "EUR", "XX"),
        Arbitraries.strings().ofMaxLength(12));
  }

  @Provide
  Arbitrary<String> plans() {
    return Arbitraries.of("", "free", "gold", "Free", " ");
  }

  @Provide
  Arbitrary<Long> costs() {
    return Arbitraries.oneOf(Arbitraries.of(0L, 1L, 10L, 10_000L, 10_001L, -1L, Long.MAX_VALUE),
        Arbitraries.longs());
  }

  @Provide
  Arbitrary<String> prices() {
    return Arbitraries.oneOf(Arbitraries.of("", "0", "0.002", "-1", "1e3", "abc", "0.0000001", "12345678901234567890"),
        Arbitraries.strings().ofMaxLength(8));
  }

  @Provide
  Arbitrary<String[]> queries() {
    return Arbitraries.of(new String[] {"*"}, new String[0], new String[] {"from", "to"}, new String[] {""});
  }

  @Provide
  Arbitrary<Long> ttls() {
    return Arbitraries.of(-2L, -1L, 0L, 60L, Long.MAX_VALUE);
  }
}
