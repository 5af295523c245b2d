package dev.monetize.http;

/**
 * Raw query strings as clients send them. Servlet containers differ on a malformed {@code %}-escape:
 * Jetty refuses the request when a parameter is read, Tomcat drops the parameter and serves the
 * rest, so the servlet adapter refuses such a query on a monetized route before admission, the same
 * on every container.
 */
public final class QueryStrings {
  private QueryStrings() {}

  /** Whether every {@code %} of {@code rawQuery} (null: none) begins an escape of two hex digits. */
  public static boolean wellEscaped(String rawQuery) {
    if (rawQuery == null) {
      return true;
    }
    for (int i = rawQuery.indexOf('%'); i >= 0; i = rawQuery.indexOf('%', i + 3)) {
      if (i + 2 >= rawQuery.length() || Character.digit(rawQuery.charAt(i + 1), 16) < 0
          || Character.digit(rawQuery.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The detail of the {@code 400} for a query that is not {@link #wellEscaped}. */
  public static final String MALFORMED = "The query string has a % that does not begin an escape of two hex digits; "
      + "send a literal % as %25.";
}
