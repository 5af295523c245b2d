package dev.monetize.cache;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key of a cached answer: the tenant, the operation, the API version, the method ({@code HEAD}
 * shares {@code GET}'s entry), the path, the query with its parameters in name order (so their order
 * in the URL never matters; values of one name keep theirs), every varying request header, and the
 * current generation of each of the operation's tags, for the tenant and for everyone. Every field
 * is length-prefixed before it is hashed, so no two different requests share a key by
 * concatenation. The key starts with the tenant's hash tag ({@code {acme}:c:}), which keeps a
 * tenant's entries in one Redis Cluster slot; the rest is a SHA-256 digest.
 *
 * <pre>{@code
 * String key = CacheKey.builder("acme", "stats.summary").path("/v1/stats/summary")
 *     .query("to=2026-03-01&from=2026-02-01").header("Accept", "application/json")
 *     .tags(Set.of("stats")).build(cache);
 * }</pre>
 */
public final class CacheKey {
  /** One per thread: the digest ({@code getInstance} costs more than the hashing) and the bytes it hashes at once. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The fields of one key, written length-prefixed into a reused buffer, then hashed in one call. */
  private static final class Scratch {
    private final MessageDigest digest;
    private byte[] bytes = new byte[512];
    private int length;

    Scratch() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
    }

    private void put(byte b) {
      if (length == bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
      }
      bytes[length++] = b;
    }

    /** {@code <UTF-8 length>:<UTF-8 bytes>}, without allocating for ASCII text. */
    void field(String value) {
      int n = value.length();
      for (int i = 0; i < n; i++) {
        if (value.charAt(i) >= 0x80) {
          byte[] b = value.getBytes(StandardCharsets.UTF_8);
          number(b.length);
          put((byte) ':');
          for (byte x : b) {
            put(x);
          }
          return;
        }
      }
      number(n);
      put((byte) ':');
      for (int i = 0; i < n; i++) {
        put((byte) value.charAt(i));
      }
    }

    /** A whole number's decimal digits, as {@code Long.toString} would write them, without a string. */
    void number(long n) {
      if (n < 0) {
        put((byte) '-');
        if (n == Long.MIN_VALUE) {
          for (byte b : "9223372036854775808".getBytes(StandardCharsets.US_ASCII)) {
            put(b);
          }
          return;
        }
        n = -n;
      }
      if (n >= 10) {
        number(n / 10);
      }
      put((byte) ('0' + n % 10));
    }

    /** The same bytes as {@code field(Long.toString(value))}: its digits' count, ':', the digits. */
    void field(long value) {
      int digits = value < 0 ? 1 : 0;
      long v = value;
      do {
        digits++;
        v /= 10;
      } while (v != 0);
      number(digits);
      put((byte) ':');
      number(value);
    }

    String hex() {
      digest.reset();
      digest.update(bytes, 0, length);
      length = 0;
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** The tag generation that applies to every tenant. */
  public static final String EVERYONE = "*";

  private CacheKey() {}

  /** Starts a key of {@code tenant}'s answers of {@code operation}. */
  public static Builder builder(String tenant, String operation) {
    return new Builder(tenant, operation);
  }

  /** The name of {@code tag}'s generation for {@code tenant} ({@link #EVERYONE} for all tenants). */
  public static String generationName(String tenant, String tag) {
    return "{" + tenant + "}:g:" + tag;
  }

  /** Builder of a cache key. */
  public static final class Builder {
    private final String tenant;
    private final String operation;
    private String version = "";
    private String method = "GET";
    private String path = "/";
    private String query = "";
    private Optional<Set<String>> queryParameters = Optional.empty();
    private final TreeMap<String, String> headers = new TreeMap<>();
    private final TreeSet<String> tags = new TreeSet<>();

    private Builder(String tenant, String operation) {
      this.tenant = requireText(tenant, "tenant");
      this.operation = requireText(operation, "operation");
    }

    /** The API version the request asked for ({@code ""} when the operation has none). */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** The method; {@code HEAD} shares {@code GET}'s entry. */
    public Builder method(String method) {
      String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      this.method = m.equals("HEAD") ? "GET" : m;
      return this;
    }

    /** The normalised path. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The raw query string (without {@code ?}); {@code null} or empty for none. */
    public Builder query(String rawQuery) {
      this.query = rawQuery == null ? "" : rawQuery;
      return this;
    }

    /** Only these query parameters change the answer (the others are left out of the key). */
    public Builder onlyQueryParameters(Set<String> names) {
      this.queryParameters = Optional.of(Set.copyOf(names));
      return this;
    }

    /** A request header that changes the representation ({@code Accept}, {@code Accept-Encoding}...). */
    public Builder header(String name, String value) {
      headers.put(name.toLowerCase(Locale.ROOT), value == null ? "" : value);
      return this;
    }

    /** The operation's tags: invalidating one, for the tenant or for everyone, makes new keys. */
    public Builder tags(Set<String> tags) {
      this.tags.addAll(tags);
      return this;
    }

    /** The key, with the current generations of the tags read from {@code cache}. */
    public String build(ResponseCache cache) {
      Scratch d = SCRATCH.get();
      d.length = 0;
      d.field("monetize-cache-1");
      d.field(tenant);
      d.field(operation);
      d.field(version);
      d.field(method);
      d.field(path);
      List<String[]> params = parameters();
      d.field(params.size());
      for (String[] p : params) {
        d.field(p[0]);
        d.field(p[1]);
      }
      d.field(headers.size());
      headers.forEach((n, v) -> {
        d.field(n);
        d.field(v);
      });
      d.field(tags.size());
      for (String tag : tags) {
        d.field(tag);
        d.field(cache.generation(generationName(tenant, tag)));
        d.field(cache.generation(generationName(EVERYONE, tag)));
      }
      return "{" + tenant + "}:c:" + d.hex();
    }

    /** Decoded {name, value} pairs, in name order; the values of one name keep their order. */
    private List<String[]> parameters() {
      if (query.isEmpty()) {
        return List.of();
      }
      List<String[]> out = new ArrayList<>();
      int start = 0;
      while (start <= query.length()) {
        int end = query.indexOf('&', start);
        if (end < 0) {
          end = query.length();
        }
        if (end > start) {
          int eq = query.indexOf('=', start);
          boolean hasValue = eq >= 0 && eq < end;
          String name = decode(query.substring(start, hasValue ? eq : end));
          String value = hasValue ? decode(query.substring(eq + 1, end)) : "";
          if (queryParameters.isEmpty() || queryParameters.get().contains(name)) {
            out.add(new String[] {name, value});
          }
        }
        start = end + 1;
      }
      out.sort(Comparator.comparing((String[] p) -> p[0])); // stable: values of one name keep their order
      return out;
    }

    private static String decode(String s) {
      if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
        return s; // nothing to decode: no copy
      }
      try {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return s; // a malformed escape keys as written (the adapters refuse such queries first)
      }
    }

    private static String requireText(String value, String what) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("a cache key needs a " + what);
      }
      return value;
    }
  }

  /** Whether a request with these parts may be answered from a cache at all: {@code GET} or {@code HEAD}. */
  public static boolean cacheableMethod(String method) {
    return "GET".equalsIgnoreCase(method) || "HEAD".equalsIgnoreCase(method);
  }
}
