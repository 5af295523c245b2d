package dev.monetize.cache;

import dev.monetize.http.Header;
import java.util.List;
import java.util.Locale;

/**
 * Whether an application marked its answer as one caller's or as not to be reused, which the
 * response cache never stores (RFC 9111, 5.2.2): {@code Cache-Control} with {@code no-store} or
 * {@code private} (with or without field names), an unqualified {@code no-cache}, {@code s-maxage=0},
 * or {@code max-age=0} without an {@code s-maxage} (the cache does not revalidate). The cache is
 * shared by every key of a tenant, so such an answer would be served to the others. A {@code Set-Cookie} does not keep an answer out (RFC 9111 section
 * 7.3); the cookie itself is never replayed.
 *
 * <p>Behind Spring Security ({@link #marked(List, boolean)}), not such a mark: the headers it writes
 * on every answer it sees, exactly one {@code Cache-Control: no-cache, no-store, max-age=0,
 * must-revalidate} with {@code Pragma: no-cache} and {@code Expires: 0}, a default for browsers
 * rather than the application's word about this answer. Adapters that add the cache's own
 * {@code Cache-Control} before they store an answer ask this of the application's headers first.
 */
public final class PrivateAnswers {
  /** The {@code Cache-Control} Spring Security's {@code CacheControlHeadersWriter} writes. */
  private static final String SECURITY_DEFAULT = "no-cache, no-store, max-age=0, must-revalidate";

  private PrivateAnswers() {}

  /** Whether {@code answer}'s headers mark it as one caller's (Spring Security's defaults too). */
  public static boolean marked(List<Header> answer) {
    return marked(answer, false);
  }

  /**
   * The same; {@code springSecurityDefaults}: exactly the headers Spring Security writes on every
   * answer are no mark (the application did not write them about this answer).
   */
  public static boolean marked(List<Header> answer, boolean springSecurityDefaults) {
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
        marked |= marks(value);
      }
    }
    return marked && !(springSecurityDefaults && cacheControls == 1 && securityDefault && pragma && expires);
  }

  /**
   * Whether one {@code Cache-Control} value keeps an answer out of a shared cache that cannot
   * revalidate: {@code no-store}, {@code private}, {@code no-cache} without field names (reuse only
   * after validation), {@code s-maxage=0}, or {@code max-age=0} without an {@code s-maxage} (an age
   * written {@code 00} or not a number is zero). A
   * directive's name is read up to its first character that is none of a name's ({@code no-store;}
   * counts).
   */
  private static boolean marks(String value) {
    boolean maxAgeZero = false;
    boolean sharedAge = false;
    for (String directive : value.split(",")) {
      String d = directive.strip().toLowerCase(Locale.ROOT);
      int end = 0;
      while (end < d.length() && (Character.isLetterOrDigit(d.charAt(end)) || d.charAt(end) == '-')) {
        end++;
      }
      String name = d.substring(0, end);
      String argument = d.substring(end).strip();
      String number = argument.startsWith("=") ? argument.substring(1).strip().replace("\"", "") : "";
      switch (name) {
        case "no-store", "private" -> {
          return true;
        }
        case "no-cache" -> {
          if (!argument.startsWith("=")) {
            return true; // unqualified: the whole answer; with field names, only those fields
          }
        }
        case "s-maxage" -> {
          sharedAge = true;
          if (zero(number)) {
            return true;
          }
        }
        case "max-age" -> maxAgeZero |= zero(number);
        default -> { }
      }
    }
    return maxAgeZero && !sharedAge;
  }

  /**
   * Whether an age of {@code seconds} gives no freshness: {@code 0}, {@code 00}..., or a value that is
   * not a number of seconds (RFC 9111 §4.2.1: a cache considers such an answer stale).
   */
  private static boolean zero(String seconds) {
    boolean zero = true;
    for (int i = 0; i < seconds.length(); i++) {
      char c = seconds.charAt(i);
      if (c < '0' || c > '9') {
        return true;
      }
      zero &= c == '0';
    }
    return zero; // and the empty value, which is not a number
  }
}
