package dev.monetize.servlet;

/**
 * Whether a request URI, as the client sent it, is already normalized. The container hands the
 * filter a path with {@code .}, {@code ..} and empty segments resolved, but a framework behind the
 * filter (Spring MVC's path patterns, for one) may match the raw URI: {@code /v1/%2e%2e/x} is
 * {@code /x} to the filter and a two-variable route to the framework. Refusing such URIs keeps both
 * on the same route.
 */
final class RawPaths {
  private RawPaths() {}

  /**
   * False when {@code rawUri} has a {@code .} or {@code ..} segment (encoded or not, path parameters
   * ignored), an empty segment other than a trailing slash, or an encoded {@code /} or {@code \\}.
   */
  static boolean normalized(String rawUri) {
    if (rawUri == null || rawUri.isEmpty()) {
      return true;
    }
    int n = rawUri.length();
    int start = rawUri.charAt(0) == '/' ? 1 : 0;
    while (start <= n) {
      int end = rawUri.indexOf('/', start);
      boolean last = end < 0;
      if (last) {
        end = n;
      }
      int params = rawUri.indexOf(';', start);
      int segmentEnd = params >= 0 && params < end ? params : end;
      if (segmentEnd == start && (!last || params == start)) {
        return false; // "//"
      }
      if (dots(rawUri, start, segmentEnd) || encodedSeparator(rawUri, start, end)) {
        return false;
      }
      if (last) {
        return true;
      }
      start = end + 1;
    }
    return true;
  }

  /** Whether {@code s[from, to)} decodes to {@code .} or {@code ..} (each dot plain or {@code %2e}). */
  private static boolean dots(String s, int from, int to) {
    int dots = 0;
    int i = from;
    while (i < to) {
      if (s.charAt(i) == '.') {
        i++;
      } else if (i + 2 < to && s.charAt(i) == '%' && s.charAt(i + 1) == '2'
          && (s.charAt(i + 2) == 'e' || s.charAt(i + 2) == 'E')) {
        i += 3;
      } else {
        return false;
      }
      dots++;
    }
    return dots == 1 || dots == 2;
  }

  private static boolean encodedSeparator(String s, int from, int to) {
    for (int i = from; i + 2 < to; i++) {
      if (s.charAt(i) == '%') {
        char a = s.charAt(i + 1);
        char b = Character.toLowerCase(s.charAt(i + 2));
        if (a == '2' && b == 'f' || a == '5' && b == 'c') {
          return true;
        }
      }
    }
    return false;
  }
}
