package dev.monetize.cache;

import dev.monetize.http.Header;
import java.util.List;
import java.util.Locale;

/**
 * Whether an application marked its answer as one caller's, which the response cache never stores
 * (RFC 9111, 5.2.2.5 and 5.2.2.7): {@code Cache-Control} with {@code no-store} or {@code private}
 * (with or without field names). The cache is shared by every key of a tenant, so such an answer
 * would be served to the others. A {@code Set-Cookie} does not keep an answer out (RFC 9111 section
 * 7.3); the cookie itself is never replayed.
 *
 * <p>Not such a mark: the headers Spring Security writes on every answer it sees, exactly one
 * {@code Cache-Control: no-cache, no-store, max-age=0, must-revalidate} with {@code Pragma: no-cache}
 * and {@code Expires: 0}, a default for browsers rather than the application's word about this answer.
 * Adapters that add the cache's own {@code Cache-Control} before they store an answer ask this of the
 * application's headers first.
 */
public final class PrivateAnswers {
  /** The {@code Cache-Control} Spring Security's {@code CacheControlHeadersWriter} writes. */
  private static final String SECURITY_DEFAULT = "no-cache, no-store, max-age=0, must-revalidate";

  private PrivateAnswers() {}

  /** Whether {@code answer}'s headers mark it as one caller's. */
  public static boolean marked(List<Header> answer) {
    boolean marked = false;
    int cacheControls = 0;
    boolean securityDefault = false;
    boolean pragma = false;
    boolean expires = false;
    for (Header h : answer) {
      String name = h.name();
      String value = h.value().strip();
      pragma |= name.equalsIgnoreCase("Pragma") && value.equalsIgnoreCase("no-cache");
      expires |= name.equalsIgnoreCase("Expires") && value.equals("0");
      if (name.equalsIgnoreCase("Cache-Control")) {
        cacheControls++;
        securityDefault = value.equalsIgnoreCase(SECURITY_DEFAULT);
        for (String directive : value.split(",")) {
          String d = directive.strip();
          int eq = d.indexOf('=');
          d = (eq < 0 ? d : d.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
          marked |= d.equals("no-store") || d.equals("private");
        }
      }
    }
    return marked && !(cacheControls == 1 && securityDefault && pragma && expires);
  }
}
