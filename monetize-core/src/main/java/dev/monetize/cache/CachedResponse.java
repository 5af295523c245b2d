package dev.monetize.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One stored answer: status, content type, body (stored once, uncompressed), its strong ETag and
 * when it was stored. Immutable: the body is copied in and out.
 *
 * @param status the status, 200 for what is stored by default
 * @param contentType the {@code Content-Type} sent with it
 * @param body the body bytes
 * @param etag a strong entity tag derived from the status, type and body ({@code "..."})
 * @param storedAt when it was stored (its age is counted from here)
 */
public record CachedResponse(int status, String contentType, byte[] body, String etag, Instant storedAt) {
  /** Validates and copies. */
  public CachedResponse {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("a cached status is 200-599, got " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(storedAt, "storedAt");
    body = body.clone();
  }

  /** An answer stored at {@code at}, its ETag computed from what it is. */
  public static CachedResponse of(int status, String contentType, byte[] body, Instant at) {
    return new CachedResponse(status, contentType, body, etagOf(status, contentType, body), at);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length, without copying it. */
  public int length() {
    return body.length;
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
    return o instanceof CachedResponse c && status == c.status && contentType.equals(c.contentType)
        && Arrays.equals(body, c.body) && etag.equals(c.etag) && storedAt.equals(c.storedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, contentType, Arrays.hashCode(body), etag, storedAt);
  }

  @Override
  public String toString() {
    return "CachedResponse[" + status + ", " + contentType + ", " + body.length + " bytes, " + etag + ", " + storedAt
        + "]";
  }
}
