package dev.monetize.http;

import dev.monetize.plans.Operation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps (method, path) to an {@link Operation}, for adapters that have no annotations (plain
 * servlets). A literal segment wins over a variable at the same position, so
 * {@code /v1/reports/latest} beats {@code /v1/reports/{id}}. {@code HEAD} matches a {@code GET}
 * route. Two routes that match the same requests are refused at construction.
 *
 * <pre>{@code
 * RouteTable routes = RouteTable.of(catalog.operations());
 * routes.match("GET", "/v1/stats/summary"); // Optional[Operation[id=stats.summary, ...]]
 * }</pre>
 */
public final class RouteTable {
  private record Route(String method, PathTemplate template, Operation operation, Optional<Operation> found) {
    Route(String method, PathTemplate template, Operation operation) {
      this(method, template, operation, Optional.of(operation));
    }

    boolean literal() {
      for (int i = 0; i < template.size(); i++) {
        if (!template.literalAt(i)) {
          return false;
        }
      }
      return true;
    }
  }

  private final Map<Integer, List<Route>> bySize;
  /** Routes without variables by their path: most requests are matched without splitting theirs. */
  private final Map<String, List<Route>> literal;

  private RouteTable(Map<Integer, List<Route>> bySize) {
    this.bySize = bySize;
    Map<String, List<Route>> byPath = new HashMap<>();
    for (List<Route> sized : bySize.values()) {
      for (Route r : sized) {
        if (r.literal()) {
          byPath.computeIfAbsent(r.operation().pathTemplate(), k -> new ArrayList<>()).add(r);
        }
      }
    }
    byPath.replaceAll((k, v) -> List.copyOf(v));
    this.literal = Map.copyOf(byPath);
  }

  /** A table of the operations' routes. */
  public static RouteTable of(Collection<Operation> operations) {
    List<Route> routes = new ArrayList<>();
    for (Operation op : operations) {
      PathTemplate t;
      try {
        t = PathTemplate.parse(op.pathTemplate());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("operation '" + op.id() + "': " + e.getMessage(), e);
      }
      for (Route r : routes) {
        if (r.method().equals(op.method()) && r.template().sameShape(t)) {
          boolean byHeader = r.operation().versionByHeader() && op.versionByHeader()
              && !r.operation().version().equals(op.version());
          if (!byHeader) {
            throw new IllegalArgumentException("operations '" + r.operation().id() + "' and '" + op.id()
                + "' both match " + op.method() + " " + op.pathTemplate()
                + " (versions of one route are told apart by version_from: header and distinct versions)");
          }
        }
      }
      routes.add(new Route(op.method(), t, op));
    }
    Map<Integer, List<Route>> bySize = new HashMap<>();
    for (Route r : routes) {
      bySize.computeIfAbsent(r.template().size(), k -> new ArrayList<>()).add(r);
    }
    Comparator<Route> literalFirst = (a, b) -> {
      for (int i = 0; i < a.template().size(); i++) {
        boolean la = a.template().literalAt(i);
        boolean lb = b.template().literalAt(i);
        if (la != lb) {
          return la ? -1 : 1;
        }
      }
      return 0;
    };
    bySize.replaceAll((k, v) -> {
      v.sort(literalFirst);
      return List.copyOf(v);
    });
    return new RouteTable(Map.copyOf(bySize));
  }

  /**
   * The operation for a request, if any route matches. A path with a trailing slash matches no
   * route: whether {@code /v1/stats/} is {@code /v1/stats} is the container's and the application's
   * call, so it is never metered as one (adapters refuse it, see {@link #withoutTrailingSlash}).
   */
  public Optional<Operation> match(String method, String path) {
    return match(method, path, null);
  }

  /**
   * The operation for a request whose {@code Api-Version} header is {@code apiVersionOrNull}: among
   * the versions of one route chosen by that header, the one it names (empty when it names none of
   * them, {@link #versionsOn}), and without the header the current one (the last declared that is not
   * deprecated).
   */
  public Optional<Operation> match(String method, String path, String apiVersionOrNull) {
    if (hasTrailingSlash(path)) {
      return Optional.empty();
    }
    List<Route> exact = literal.get(path);
    if (exact != null) { // a literal route is the most specific there is: it wins if its method does
      for (int i = 0; i < exact.size(); i++) {
        Route r = exact.get(i);
        if (r.method().equals(method) || method.equals("HEAD") && r.method().equals("GET")) {
          return r.operation().versionByHeader() ? byHeader(bySize.get(r.template().size()), r, apiVersionOrNull)
              : r.found();
        }
      }
    }
    List<String> segments = PathTemplate.segmentsOf(path);
    if (segments == null) {
      return Optional.empty();
    }
    List<Route> candidates = bySize.get(segments.size());
    if (candidates == null) {
      return Optional.empty();
    }
    String m = method.equals("HEAD") ? "GET" : method;
    for (Route r : candidates) {
      if ((r.method().equals(method) || r.method().equals(m)) && r.template().matchSegments(segments)) {
        return r.operation().versionByHeader() ? byHeader(candidates, r, apiVersionOrNull) : Optional.of(r.operation());
      }
    }
    return Optional.empty();
  }

  private static Optional<Operation> byHeader(List<Route> candidates, Route first, String apiVersion) {
    Operation current = null; // the last declared that is not deprecated
    Operation last = null;
    for (Route r : candidates) {
      if (!r.method().equals(first.method()) || !r.template().sameShape(first.template())) {
        continue;
      }
      Operation op = r.operation();
      if (apiVersion != null && op.version().filter(apiVersion::equals).isPresent()) {
        return Optional.of(op);
      }
      last = op;
      if (op.lifecycle().isEmpty()) {
        current = op;
      }
    }
    return apiVersion != null ? Optional.empty() : Optional.ofNullable(current != null ? current : last);
  }

  /** The versions offered by the {@code Api-Version} header on the route of {@code method} and {@code path}. */
  public java.util.SortedSet<String> versionsOn(String method, String path) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    List<String> segments = PathTemplate.segmentsOf(path);
    List<Route> candidates = segments == null ? null : bySize.get(segments.size());
    if (candidates == null) {
      return out;
    }
    String m = method.equals("HEAD") ? "GET" : method;
    for (Route r : candidates) {
      if ((r.method().equals(method) || r.method().equals(m)) && r.template().matchSegments(segments)
          && r.operation().versionByHeader()) {
        r.operation().version().ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The methods declared on the routes matching {@code path} ({@code HEAD} beside {@code GET}),
   * sorted; empty when no route matches the path.
   */
  public java.util.SortedSet<String> methodsOn(String path) {
    java.util.SortedSet<String> methods = new java.util.TreeSet<>();
    List<String> segments = hasTrailingSlash(path) ? null : PathTemplate.segmentsOf(path);
    List<Route> candidates = segments == null ? null : bySize.get(segments.size());
    if (candidates != null) {
      for (Route r : candidates) {
        if (r.template().matchSegments(segments)) {
          methods.add(r.method());
          if (r.method().equals("GET")) {
            methods.add("HEAD");
          }
        }
      }
    }
    return methods;
  }

  /** {@code path} without its trailing slash when, so written, it would be a route; empty otherwise. */
  public Optional<String> withoutTrailingSlash(String method, String path) {
    if (!hasTrailingSlash(path)) {
      return Optional.empty();
    }
    String bare = path;
    while (hasTrailingSlash(bare)) {
      bare = bare.substring(0, bare.length() - 1);
    }
    return match(method, bare).isPresent() || !methodsOn(bare).isEmpty() ? Optional.of(bare) : Optional.empty();
  }

  private static boolean hasTrailingSlash(String path) {
    return path != null && path.length() > 1 && path.charAt(path.length() - 1) == '/';
  }
}
