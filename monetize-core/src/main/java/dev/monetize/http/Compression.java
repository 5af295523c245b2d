package dev.monetize.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * When and how answers are compressed on the wire (both adapters follow it): with {@code gzip},
 * when the client's {@code Accept-Encoding} allows it (RFC 9110 section 12.5.3), for bodies larger
 * than {@link #THRESHOLD} of a type that compresses (text, JSON, XML, CSV, NDJSON; not images,
 * archives or octet streams), unless the application chose an encoding itself. A compressed answer
 * carries {@code Content-Encoding: gzip} and {@code Vary: Accept-Encoding}; its strong {@code ETag}
 * differs from the uncompressed one's ({@link #gzipEtag}).
 *
 * <pre>{@code
 * if (Compression.acceptsGzip(request.getHeader("Accept-Encoding")) && Compression.compressible(type)) { ... }
 * }</pre>
 */
public final class Compression {
  /** Bodies up to this many bytes go out as they are: compressing them saves less than it costs. */
  public static final int THRESHOLD = 1024;
  /** The coding's name in {@code Accept-Encoding} and {@code Content-Encoding}. */
  public static final String GZIP = "gzip";

  private Compression() {
  }

  /**
   * Whether {@code acceptEncoding} allows {@code gzip}: it names {@code gzip} (or {@code x-gzip}, or
   * {@code *} without naming gzip) with a weight above zero. {@code null} (no header) allows nothing
   * but the identity: an old client may not decode it.
   */
  public static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isEmpty()) {
      return false;
    }
    if (acceptEncoding.indexOf(';') < 0) { // no weights, the common case: a scan without allocating
      return names(acceptEncoding, "gzip") || names(acceptEncoding, "x-gzip") || names(acceptEncoding, "*");
    }
    int gzip = -1; // -1 not named, 0 refused, 1 accepted
    int star = -1;
    for (String part : acceptEncoding.split(",", 32)) {
      int semi = part.indexOf(';');
      String coding = (semi < 0 ? part : part.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
      int accepted = semi < 0 ? 1 : weightAboveZero(part.substring(semi + 1)) ? 1 : 0;
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        gzip = Math.max(gzip == -1 ? 0 : gzip, accepted);
      } else if (coding.equals("*")) {
        star = Math.max(star == -1 ? 0 : star, accepted);
      }
    }
    return gzip == 1 || gzip == -1 && star == 1;
  }

  /** Whether the comma-separated {@code list} names {@code coding} (any case, spaces around it). */
  private static boolean names(String list, String coding) {
    int at = 0;
    int n = list.length();
    while (at <= n) {
      int end = list.indexOf(',', at);
      if (end < 0) {
        end = n;
      }
      int s = at;
      int e = end;
      while (s < e && list.charAt(s) <= ' ') {
        s++;
      }
      while (e > s && list.charAt(e - 1) <= ' ') {
        e--;
      }
      if (e - s == coding.length() && list.regionMatches(true, s, coding, 0, coding.length())) {
        return true;
      }
      at = end + 1;
    }
    return false;
  }

  /** Whether a weight parameter list ({@code q=0.5}) leaves the coding acceptable; malformed is acceptable. */
  private static boolean weightAboveZero(String params) {
    for (String p : params.split(";")) {
      String t = p.strip();
      if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
        String q = t.substring(2).strip();
        return !q.matches("0(\\.0{0,3})?");
      }
    }
    return true;
  }

  /** Whether answers of {@code contentType} shrink when compressed (text, JSON, XML, CSV, NDJSON, YAML, JavaScript). */
  public static boolean compressible(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String t = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("text/")) {
      return !t.equals("text/event-stream"); // events must leave as they are written
    }
    return switch (t) {
      case "application/json", "application/xml", "application/x-ndjson", "application/ndjson",
          "application/javascript", "application/yaml", "application/x-yaml", "application/csv",
          "application/graphql-response+json", "image/svg+xml" -> true;
      default -> t.startsWith("application/") && (t.endsWith("+json") || t.endsWith("+xml"));
    };
  }

  /**
   * Whether an answer with these headers must go out as it is: one that sets a cookie or says
   * {@code no-store} may carry a secret beside what the caller sent, which compression would let
   * its length betray (BREACH).
   */
  public static boolean sensitive(String setCookie, String cacheControl) {
    return setCookie != null || cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-store");
  }

  /** The strong ETag of the gzip form of the answer tagged {@code etag} ({@code "x"} becomes {@code "x--gzip"}). */
  public static String gzipEtag(String etag) {
    if (etag.length() < 2 || !etag.endsWith("\"") || etag.startsWith("W/")) {
      return etag;
    }
    return etag.substring(0, etag.length() - 1) + "--gzip\"";
  }

  /** {@code body} compressed with gzip. */
  public static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException("compressing in memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /** {@code vary} with {@code Accept-Encoding} added when it is not there yet ({@code null}: none so far). */
  public static String varyWithAcceptEncoding(String vary) {
    if (vary == null || vary.isBlank()) {
      return "Accept-Encoding";
    }
    for (String v : vary.split(",")) {
      String t = v.strip();
      if (t.equalsIgnoreCase("Accept-Encoding") || t.equals("*")) {
        return vary;
      }
    }
    return vary + ", Accept-Encoding";
  }
}
