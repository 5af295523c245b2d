package dev.monetize.jaxrs;

import dev.monetize.Monetized;
import dev.monetize.MonetizedOperations;

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

  /**
   * The request and response bodies of the monetized methods of {@code resources}, for the OpenAPI
   * document ({@code MonetizeBuilder.apiSchemas}): {@link Monetized#response()} and
   * {@link Monetized#request()} where declared; else the method's return type when it is a data
   * type, and its entity parameter (the one without a JAX-RS annotation) when that is one.
   * {@code mapper} writes the answers: its naming strategy names the properties.
   */
  public static dev.monetize.openapi.ApiSchemas schemas(com.fasterxml.jackson.databind.ObjectMapper mapper,
      Class<?>... resources) {
    dev.monetize.openapi.ApiSchemas.Builder b = dev.monetize.openapi.ApiSchemas.builder(mapper);
    for (Class<?> resource : resources) {
      for (Endpoint e : endpoints(resource)) {
        String id = e.operation().id();
        b.handler(id, e.method());
        Monetized on = e.method().getAnnotation(Monetized.class);
        if (on == null || on.request() == Void.class) {
          entityType(e.method()).ifPresent(t -> b.request(id, t));
        }
      }
    }
    return b.build();
  }

  /** The type of a method's entity parameter (no JAX-RS annotation), when it is JSON data rather than bytes or a stream. */
  private static Optional<java.lang.reflect.Type> entityType(Method m) {
    java.lang.reflect.Parameter[] params = m.getParameters();
    for (int i = 0; i < params.length; i++) {
      boolean annotated = false;
      for (Annotation a : params[i].getAnnotations()) {
        annotated |= a.annotationType().getPackageName().startsWith("jakarta.ws.rs");
      }
      Class<?> type = params[i].getType();
      if (!annotated && type != byte[].class && type != String.class && !java.io.InputStream.class.isAssignableFrom(type)
          && !java.io.Reader.class.isAssignableFrom(type) && !type.getName().startsWith("jakarta.ws.rs.")) {
        return Optional.of(params[i].getParameterizedType());
      }
    }
    return Optional.empty();
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
    try {
      MonetizedOperations.Declared d = MonetizedOperations.declared(onMethod, onClass,
          resource.getSimpleName() + "." + m.getName(), httpMethod(m).orElseThrow(), path(resource, m));
      return new Endpoint(m, d.operation(), d.cacheTtl(), d.version());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name(m) + ": " + e.getMessage(), e);
    }
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
