package dev.monetize.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A path template such as {@code /v1/reports/{id}}: literal segments match themselves, a
 * {@code {name}} segment matches any one non-empty segment. Paths are normalised before matching
 * (repeated and trailing slashes dropped, {@code .} and {@code ..} resolved), so
 * {@code //v1/reports/7/} matches like {@code /v1/reports/7}.
 *
 * <pre>{@code
 * PathTemplate t = PathTemplate.parse("/v1/reports/{id}");
 * t.match("/v1/reports/42");   // Optional[{id=42}]
 * t.matches("/v1/reports");    // false
 * }</pre>
 */
public final class PathTemplate {
  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern LITERAL = Pattern.compile("[^{}/]+");

  private final String template;
  private final String[] segments; // null entry = variable
  private final String[] names;

  private PathTemplate(String template, String[] segments, String[] names) {
    this.template = template;
    this.segments = segments;
    this.names = names;
  }

  /** Parses a template; the message of a failure says what is wrong. */
  public static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("path template must start with '/', got '" + template + "'");
    }
    List<String> parts = split(template);
    String[] segs = new String[parts.size()];
    String[] vars = new String[parts.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < segs.length; i++) {
      String p = parts.get(i);
      var m = VARIABLE.matcher(p);
      if (m.matches()) {
        if (!seen.add(m.group(1))) {
          throw new IllegalArgumentException("path template '" + template + "' uses {" + m.group(1) + "} twice");
        }
        vars[i] = m.group(1);
      } else if (LITERAL.matcher(p).matches() && !p.equals(".") && !p.equals("..")) {
        segs[i] = p;
      } else {
        throw new IllegalArgumentException("path template '" + template + "': segment '" + p
            + "' must be a literal without '{', '}' or a whole '{name}' variable");
      }
    }
    return new PathTemplate(template, segs, vars);
  }

  /** The template as written. */
  public String template() {
    return template;
  }

  /** The names of the template's variables, in order. */
  public List<String> variables() {
    List<String> out = new java.util.ArrayList<>();
    for (String n : names) {
      if (n != null) {
        out.add(n);
      }
    }
    return List.copyOf(out);
  }

  /** Number of segments. */
  int size() {
    return segments.length;
  }

  /** Whether segment {@code i} is a literal. */
  boolean literalAt(int i) {
    return segments[i] != null;
  }

  /** Whether the normalised {@code path} matches. */
  public boolean matches(String path) {
    return matchSegments(segmentsOf(path));
  }

  /** The variables, if {@code path} matches. */
  public Optional<Map<String, String>> match(String path) {
    List<String> parts = segmentsOf(path);
    if (!matchSegments(parts)) {
      return Optional.empty();
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i] != null) {
        vars.put(names[i], parts.get(i));
      }
    }
    return Optional.of(vars);
  }

  boolean matchSegments(List<String> parts) {
    if (parts == null || parts.size() != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] != null && !segments[i].equals(parts.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether two templates match exactly the same paths. */
  boolean sameShape(PathTemplate other) {
    if (other.segments.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] == null ? other.segments[i] != null : !segments[i].equals(other.segments[i])) {
        return false;
      }
    }
    return true;
  }

  /** Normalised segments of a request path, or null if it climbs above the root. */
  static List<String> segmentsOf(String path) {
    if (path == null) {
      return null;
    }
    Deque<String> out = new ArrayDeque<>();
    int i = 0;
    int n = path.length();
    while (i < n) {
      int j = path.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      if (j > i) {
        String seg = path.substring(i, j);
        if (seg.equals("..")) {
          if (out.pollLast() == null) {
            return null;
          }
        } else if (!seg.equals(".")) {
          out.addLast(seg);
        }
      }
      i = j + 1;
    }
    return new ArrayList<>(out);
  }

  private static List<String> split(String template) {
    List<String> parts = new ArrayList<>();
    for (String p : template.split("/", -1)) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    return parts;
  }

  @Override
  public String toString() {
    return template;
  }
}
