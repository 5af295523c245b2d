package dev.monetize.spring.internal;

import dev.monetize.Monetized;
import dev.monetize.MonetizedOperations;
import dev.monetize.plans.Catalog;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The operations of Spring MVC handler methods annotated {@link Monetized} (on the method or its
 * class), read from the handler mapping: the HTTP method and path are the ones Spring routes.
 */
public final class SpringHandlerOperations implements HandlerOperations {
  private final RequestMappingHandlerMapping mapping;
  private final String servletPrefix;

  /**
   * Reads {@code mapping}'s handlers when the catalog is built; their paths are under
   * {@code servletPrefix} (the dispatcher servlet's path, "" at the root).
   */
  public SpringHandlerOperations(RequestMappingHandlerMapping mapping, String servletPrefix) {
    this.mapping = mapping;
    this.servletPrefix = servletPrefix;
  }

  @Override
  public Catalog addTo(Catalog catalog) {
    Map<String, MonetizedOperations.Declared> declared = new TreeMap<>(); // by handler name: a stable order
    for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
      HandlerMethod handler = e.getValue();
      Method m = handler.getMethod();
      Class<?> type = ClassUtils.getUserClass(handler.getBeanType());
      Monetized onMethod = AnnotatedElementUtils.findMergedAnnotation(m, Monetized.class);
      Monetized onClass = AnnotatedElementUtils.findMergedAnnotation(type, Monetized.class);
      if (onMethod == null && onClass == null) {
        continue;
      }
      String name = type.getName() + "#" + m.getName();
      Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
      Set<String> paths = e.getKey().getPatternValues();
      if (methods.size() != 1 || paths.size() != 1) {
        throw new IllegalStateException(name + ": a @Monetized handler answers one HTTP method on one path (one "
            + "operation, one price); it maps " + (methods.isEmpty() ? "every method" : methods) + " on " + paths
            + ": use @GetMapping(\"/one/path\") or split it");
      }
      String path = paths.iterator().next();
      if (path.contains("*") || path.contains("?") || path.contains(":")) {
        throw new IllegalStateException(name + ": path '" + path + "' has a wildcard or a regular expression; a "
            + "@Monetized handler's path is literal segments and {name} variables");
      }
      if (!e.getKey().getParamsCondition().isEmpty() || !e.getKey().getHeadersCondition().isEmpty()) {
        throw new IllegalStateException(name + ": a @Monetized handler is told apart by its method and path only; "
            + "it also needs params or headers (" + e.getKey() + "), which the operation's price cannot follow");
      }
      path = servletPrefix + path;
      try {
        declared.put(name, MonetizedOperations.declared(onMethod, onClass, type.getSimpleName() + "." + m.getName(),
            methods.iterator().next().name(), path));
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
}
