package dev.monetize.spring.internal;

import dev.monetize.Monetized;
import dev.monetize.MonetizedOperations;
import dev.monetize.plans.Catalog;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * The operations of Spring MVC handler methods annotated {@link Monetized} (on the method or its
 * class), read from the controllers' {@code @RequestMapping} annotations as Spring MVC combines them
 * (class path + method path). It reads types only, never builds a bean: the engine that needs these
 * operations may itself be injected into the application's MVC configuration. What Spring finally
 * routes is checked again per request ({@link RouteAgreement}).
 */
public final class SpringHandlerOperations implements HandlerOperations {
  private final ListableBeanFactory beans;
  private final String servletPrefix;

  /**
   * Reads the controllers of {@code beans} when the catalog is built; their paths are under
   * {@code servletPrefix} (the dispatcher servlet's path, "" at the root).
   */
  public SpringHandlerOperations(ListableBeanFactory beans, String servletPrefix) {
    this.beans = beans;
    this.servletPrefix = servletPrefix;
  }

  @Override
  public Catalog addTo(Catalog catalog) {
    Map<String, MonetizedOperations.Declared> declared = new TreeMap<>(); // by handler name: a stable order
    for (Handler h : handlers()) {
      Method m = h.method();
      Class<?> type = h.type();
      RequestMapping onType = h.onType();
      Monetized onClass = AnnotatedElementUtils.findMergedAnnotation(type, Monetized.class);
      Monetized onMethod = AnnotatedElementUtils.findMergedAnnotation(m, Monetized.class);
      if (onMethod == null && onClass == null) {
        continue;
      }
      String name = type.getName() + "#" + m.getName();
      RequestMapping mapping = h.mapping();
      List<String> paths = h.paths();
      RequestMethod[] methods = h.methods();
      if (methods.length != 1 || paths.size() != 1) {
        throw new IllegalStateException(name + ": a @Monetized handler answers one HTTP method on one path (one "
            + "operation, one price); it maps " + (methods.length == 0 ? "every method" : List.of(methods))
            + " on " + paths + ": use @GetMapping(\"/one/path\") or split it");
      }
      String path = paths.get(0);
      if (path.contains("*") || path.contains("?") || path.contains(":")) {
        throw new IllegalStateException(name + ": path '" + path + "' has a wildcard or a regular expression; a "
            + "@Monetized handler's path is literal segments and {name} variables");
      }
      if (mapping.params().length > 0 || mapping.headers().length > 0
          || onType != null && (onType.params().length > 0 || onType.headers().length > 0)) {
        throw new IllegalStateException(name + ": a @Monetized handler is told apart by its method and path only; "
            + "it also needs params or headers, which the operation's price cannot follow");
      }
      try {
        declared.put(name, MonetizedOperations.declared(onMethod, onClass, type.getSimpleName() + "." + m.getName(),
            methods[0].name(), servletPrefix + path));
      } catch (IllegalArgumentException ex) {
        throw new IllegalStateException(name + ": " + ex.getMessage(), ex);
      }
    }
    if (declared.isEmpty()) {
      return catalog;
    }
    Catalog.Builder b = catalog.toBuilder();
    for (Map.Entry<String, MonetizedOperations.Declared> d : declared.entrySet()) {
      try {
        b.operation(d.getValue().operation());
      } catch (IllegalArgumentException ex) {
        throw new IllegalStateException(d.getKey() + ": " + ex.getMessage(), ex);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException ex) {
      throw new IllegalStateException("@Monetized handlers with the plans file: " + ex.getMessage(), ex);
    }
  }

  @Override
  public dev.monetize.openapi.ApiSchemas schemas(Catalog catalog, com.fasterxml.jackson.databind.ObjectMapper mapper) {
    dev.monetize.openapi.ApiSchemas.Builder b = dev.monetize.openapi.ApiSchemas.builder(mapper);
    for (Handler h : handlers()) {
      if (h.methods().length != 1 || h.paths().size() != 1) {
        continue; // not one operation: the document keeps a generic answer
      }
      String template = servletPrefix + h.paths().get(0);
      for (dev.monetize.plans.Operation op : catalog.operations()) {
        if (op.method().equals(h.methods()[0].name()) && op.pathTemplate().equals(template)) {
          describe(b, op.id(), h.method());
        }
      }
    }
    return b.build();
  }

  /** What one handler says of its bodies: annotations first, then its signature. */
  private static void describe(dev.monetize.openapi.ApiSchemas.Builder b, String id, Method m) {
    b.handler(id, m);
    org.springframework.web.bind.annotation.ResponseStatus status = AnnotatedElementUtils.findMergedAnnotation(m,
        org.springframework.web.bind.annotation.ResponseStatus.class);
    if (status != null && status.code().is2xxSuccessful()) {
      b.status(id, status.code().value());
    }
    Monetized on = AnnotatedElementUtils.findMergedAnnotation(m, Monetized.class);
    if (on == null || on.request() == Void.class) {
      for (java.lang.reflect.Parameter p : m.getParameters()) {
        if (p.isAnnotationPresent(org.springframework.web.bind.annotation.RequestBody.class)) {
          b.request(id, p.getParameterizedType());
        }
      }
    }
  }

  /** One handler method of a controller, with its mapping and its type's. */
  private record Handler(Class<?> type, Method method, RequestMapping mapping, RequestMapping onType) {
    /** Its paths, the type's joined with the method's. */
    List<String> paths() {
      return combine(onType == null ? new String[0] : onType.path(), mapping.path());
    }

    /** Its HTTP methods, the method's or else the type's. */
    RequestMethod[] methods() {
      return mapping.method().length > 0 ? mapping.method() : onType != null ? onType.method() : new RequestMethod[0];
    }
  }

  /** Every handler method of every controller bean (types only: no MVC bean is built). */
  private List<Handler> handlers() {
    List<Handler> out = new java.util.ArrayList<>();
    for (String bean : beans.getBeanNamesForAnnotation(Controller.class)) {
      Class<?> found = beans.getType(bean, false);
      if (found == null) {
        continue;
      }
      Class<?> type = ClassUtils.getUserClass(found);
      RequestMapping onType = AnnotatedElementUtils.findMergedAnnotation(type, RequestMapping.class);
      MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<RequestMapping>) m ->
          AnnotatedElementUtils.findMergedAnnotation(m, RequestMapping.class))
          .forEach((m, mapping) -> out.add(new Handler(type, m, mapping, onType)));
    }
    return out;
  }

  /** Every class path joined with every method path, as Spring MVC combines them ("" when none). */
  private static List<String> combine(String[] typePaths, String[] methodPaths) {
    List<String> out = new java.util.ArrayList<>();
    for (String t : typePaths.length == 0 ? new String[] {""} : typePaths) {
      for (String m : methodPaths.length == 0 ? new String[] {""} : methodPaths) {
        String joined = join(t, m);
        out.add(joined.isEmpty() ? "/" : joined);
      }
    }
    return out;
  }

  private static String join(String a, String b) {
    String left = a.isEmpty() || a.startsWith("/") ? a : "/" + a;
    if (left.endsWith("/")) {
      left = left.substring(0, left.length() - 1);
    }
    if (b.isEmpty()) {
      return left;
    }
    return left + (b.startsWith("/") ? b : "/" + b);
  }
}
