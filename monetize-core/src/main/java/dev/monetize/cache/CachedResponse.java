package dev.monetize.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import dev.monetize.http.Compression;
import dev.monetize.http.Header;
import java.util.List;
import java.util.Set;

/**
 * One stored answer: the operation that gave it, status, content type, body, the same body
 * compressed with gzip when that is worth it (one entry serves clients that take gzip and clients
 * that do not), its strong ETag, when it was stored, and the answer's own headers a hit sends again
 * ({@code Content-Language}, {@code Link}, {@code Content-Disposition}, a security header...; see
 * {@link #replayed(String)}). Immutable: the bodies are copied in and out.
 *
 * @param operation the id of the operation that answered
 * @param status the status, 200 for what is stored by default
 * @param contentType the {@code Content-Type} sent with it
 * @param body the body bytes
 * @param gzip the body compressed with gzip; empty when it is not compressed (small, or a type that
 *     does not shrink)
 * @param etag a strong entity tag derived from the status, type and body ({@code "..."})
 * @param storedAt when it was stored (its age is counted from here)
 * @param headers the answer's own headers sent again with it, in order (names as the application
 *     wrote them); only names {@link #replayed(String)} accepts, and for an answer stored for one
 *     {@code Origin} those {@link #replayedToOneOrigin(String)} accepts
 */
public record CachedResponse(String operation, int status, String contentType, byte[] body, byte[] gzip, String etag,
    Instant storedAt, List<Header> headers) {
  /**
   * The headers a stored answer never keeps, lower case: the engine's own (set per request), the
   * cache's, those of the connection or of the body's framing, those true of one form of the body
   * only (digests, {@code Accept-Ranges}), and what belongs to one caller or one exchange: cookies
   * (RFC 9111 section 7.3), {@code Authentication-Info}, {@code Clear-Site-Data}, CORS answers to one
   * {@code Origin} ({@code Access-Control-*}, {@code Timing-Allow-Origin}) and tracing ids.
   */
  private static final Set<String> NOT_REPLAYED = Set.of("accept-ranges", "age", "api-version",
      "authentication-info", "b3", "cache-control", "cache-status", "clear-site-data", "connection",
      "content-digest", "content-encoding", "content-length", "content-md5", "content-range", "content-type", "date",
      "deprecation", "digest", "etag", "expires", "keep-alive", "monetize-credits-low", "monetize-degraded",
      "monetize-quota-warning", "pragma", "proxy-authenticate", "proxy-authentication-info", "proxy-connection",
      "ratelimit", "ratelimit-policy", "repr-digest", "request-id", "retry-after", "server", "server-timing",
      "set-cookie", "set-cookie2", "sunset", "te", "timing-allow-origin", "traceparent", "tracestate", "trailer",
      "transfer-encoding", "upgrade", "vary", "www-authenticate", "x-amzn-trace-id", "x-cloud-trace-context",
      "x-correlation-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-request-id",
      "x-response-time", "x-trace-id");
  /** Prefixes of names never kept, as {@link #NOT_REPLAYED}. */
  private static final List<String> NOT_REPLAYED_PREFIXES = List.of("access-control-", "x-b3-");
  /** A field name (RFC 9110 token). */
  private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Validates and copies. */
  public CachedResponse {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("a cached status is 200-599, got " + status);
    }
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(storedAt, "storedAt");
    body = body.clone();
    gzip = gzip.clone();
    headers = List.copyOf(headers);
    for (Header h : headers) {
      if (!TOKEN.matcher(h.name()).matches() || !replayed(h.name()) && !replayedToOneOrigin(h.name())) {
        throw new IllegalArgumentException("a stored answer does not keep '" + h.name() + "' (see replayed)");
      }
      if (h.value().indexOf('\r') >= 0 || h.value().indexOf('\n') >= 0 || h.value().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("the value of a stored '" + h.name() + "' holds CR, LF or NUL");
      }
    }
  }

  /**
   * Whether a header of this name is kept by an answer stored for one {@code Origin} (its cache key
   * holds the request's {@code Origin}, so only requests from that origin are served it), beyond
   * those {@link #replayed(String)} accepts: the CORS answer ({@code Access-Control-*},
   * {@code Timing-Allow-Origin}) and the answer's {@code Vary}, merged with the engine's on a hit.
   */
  public static boolean replayedToOneOrigin(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.startsWith("access-control-") || n.equals("timing-allow-origin") || n.equals("vary");
  }

  /** An answer without headers of its own to send again. */
  public CachedResponse(String operation, int status, String contentType, byte[] body, byte[] gzip, String etag,
      Instant storedAt) {
    this(operation, status, contentType, body, gzip, etag, storedAt, List.of());
  }

  /**
   * Whether a stored answer keeps a header of this name to send with every hit: the application's
   * own, not the engine's per-request headers ({@code RateLimit}, {@code X-Request-Id}, versioning),
   * the cache's ({@code Cache-Control}, {@code ETag}, {@code Age}, {@code Vary}), the framing's
   * ({@code Content-Length}, {@code Content-Encoding}, hop-by-hop), cookies, CORS answers to one
   * origin, tracing ids, digests.
   */
  public static boolean replayed(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    for (String prefix : NOT_REPLAYED_PREFIXES) {
      if (n.startsWith(prefix)) {
        return false;
      }
    }
    return !NOT_REPLAYED.contains(n);
  }

  /**
   * {@code operation}'s answer stored at {@code at}: its ETag computed from what it is, its gzip
   * form when the body is larger than {@link Compression#THRESHOLD}, of a type that compresses, and
   * shrinks.
   */
  public static CachedResponse of(String operation, int status, String contentType, byte[] body, Instant at) {
    return of(operation, status, contentType, body, List.of(), at);
  }

  /** The same, with the answer's own {@code headers} to send again (those {@link #replayed(String)} accepts). */
  public static CachedResponse of(String operation, int status, String contentType, byte[] body, List<Header> headers,
      Instant at) {
    byte[] gzip = NONE;
    if (body.length > Compression.THRESHOLD && Compression.compressible(contentType)) {
      byte[] z = Compression.gzip(body);
      gzip = z.length < body.length ? z : NONE;
    }
    return new CachedResponse(operation, status, contentType, body, gzip, etagOf(status, contentType, body), at,
        headers);
  }

  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public byte[] gzip() {
    return gzip.clone();
  }

  /** The body's length, without copying it. */
  public int length() {
    return body.length;
  }

  /** Whether a gzip form is stored. */
  public boolean compressed() {
    return gzip.length > 0;
  }

  /**
   * The form to send a client whose {@code Accept-Encoding} is {@code acceptEncoding}: the gzip form
   * when there is one and the client takes it, else the body. Shared, not copied: never modify it.
   */
  public Representation representation(String acceptEncoding) {
    return compressed() && Compression.acceptsGzip(acceptEncoding)
        ? new Representation(gzip, Optional.of(Compression.GZIP), Compression.gzipEtag(etag))
        : new Representation(body, Optional.empty(), etag);
  }

  /**
   * One form of the answer on the wire.
   *
   * @param bytes what to write (shared with the entry: do not modify)
   * @param contentEncoding the {@code Content-Encoding} to send with it, if any
   * @param etag its strong ETag
   */
  public record Representation(byte[] bytes, Optional<String> contentEncoding, String etag) {
  }

  /** Whether {@code ifNoneMatch} names this answer, in either form ({@code *} names any). */
  public boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    String zipped = Compression.gzipEtag(etag);
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2); // If-None-Match compares weakly (RFC 9110 section 13.1.2)
      }
      if (t.equals("*") || t.equals(etag) || t.equals(zipped)) {
        return true;
      }
    }
    return false;
  }

  /** What the entry weighs in memory: both forms and the headers' text. */
  public long weight() {
    long w = (long) body.length + gzip.length;
    for (Header h : headers) {
      w += h.name().length() + h.value().length();
    }
    return w;
  }

  /** {@code "<base64url of the first 16 bytes of SHA-256 over status, type and body>"}. */
  public static String etagOf(int status, String contentType, byte[] body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((status + "\n" + contentType + "\n").getBytes(StandardCharsets.UTF_8));
      byte[] h = d.digest(body);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 16)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CachedResponse c && operation.equals(c.operation) && status == c.status
        && contentType.equals(c.contentType) && Arrays.equals(body, c.body) && Arrays.equals(gzip, c.gzip)
        && etag.equals(c.etag) && storedAt.equals(c.storedAt) && headers.equals(c.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(operation, status, contentType, Arrays.hashCode(body), etag, storedAt, headers);
  }

  @Override
  public String toString() {
    return "CachedResponse[" + operation + ", " + status + ", " + contentType + ", " + body.length + " bytes ("
        + gzip.length + " gzipped), " + etag + ", " + storedAt + ", " + headers.size() + " headers]";
  }
}
