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

    private int[] spans = new int[64];

    /** A reused buffer of at least {@code count} four-int spans. */
    int[] spans(int count) {
      if (spans.length < count * 4) {
        spans = new int[count * 4];
      }
      return spans;
    }

    /** {@code field(text.substring(from, to))}, without the substring for ASCII text. */
    void field(String text, int from, int to) {
      for (int i = from; i < to; i++) {
        if (text.charAt(i) >= 0x80) {
          field(text.substring(from, to));
          return;
        }
      }
      number(to - from);
      put((byte) ':');
      for (int i = from; i < to; i++) {
        put((byte) text.charAt(i));
      }
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

    /** {@code prefix} then the digest in hex, as one string. */
    String key(String prefix) {
      digest.reset();
      digest.update(bytes, 0, length);
      length = 0;
      byte[] h = digest.digest();
      int p = prefix.length();
      for (int i = 0; i < p; i++) {
        if (prefix.charAt(i) >= 0x80) {
          return prefix + HexFormat.of().formatHex(h); // a tenant id beyond ASCII (customer ids never are)
        }
      }
      byte[] out = new byte[p + 2 * h.length];
      for (int i = 0; i < p; i++) {
        out[i] = (byte) prefix.charAt(i);
      }
      for (int i = 0; i < h.length; i++) {
        out[p + 2 * i] = (byte) HEX[(h[i] >> 4) & 0xf];
        out[p + 2 * i + 1] = (byte) HEX[h[i] & 0xf];
      }
      return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
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
    /** Varying headers, lower-case names kept in order (few: a sorted pair of arrays beats a tree). */
    private String[] headerNames = new String[2];
    private String[] headerValues = new String[2];
    private int headerCount;
    private Set<String> tags = Set.of();

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
      String n = name.toLowerCase(Locale.ROOT);
      String v = value == null ? "" : value;
      int at = 0;
      while (at < headerCount && headerNames[at].compareTo(n) < 0) {
        at++;
      }
      if (at < headerCount && headerNames[at].equals(n)) {
        headerValues[at] = v; // the last value given wins
        return this;
      }
      if (headerCount == headerNames.length) {
        headerNames = java.util.Arrays.copyOf(headerNames, headerCount * 2);
        headerValues = java.util.Arrays.copyOf(headerValues, headerCount * 2);
      }
      System.arraycopy(headerNames, at, headerNames, at + 1, headerCount - at);
      System.arraycopy(headerValues, at, headerValues, at + 1, headerCount - at);
      headerNames[at] = n;
      headerValues[at] = v;
      headerCount++;
      return this;
    }

    /** The operation's tags: invalidating one, for the tenant or for everyone, makes new keys. */
    public Builder tags(Set<String> tags) {
      if (this.tags.isEmpty()) {
        this.tags = Objects.requireNonNull(tags, "tags");
      } else {
        TreeSet<String> all = new TreeSet<>(this.tags);
        all.addAll(tags);
        this.tags = all;
      }
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
      if (query.indexOf('%') < 0 && query.indexOf('+') < 0) {
        plainParameters(d); // nothing to decode: the query's own characters, without copying them
      } else {
        List<String[]> params = parameters();
        d.field(params.size());
        for (String[] p : params) {
          d.field(p[0]);
          d.field(p[1]);
        }
      }
      d.field(headerCount);
      for (int i = 0; i < headerCount; i++) {
        d.field(headerNames[i]);
        d.field(headerValues[i]);
      }
      d.field(tags.size());
      for (String tag : tags.size() > 1 ? new TreeSet<>(tags) : tags) { // in name order
        d.field(tag);
        d.field(cache.generation(generationName(tenant, tag)));
        d.field(cache.generation(generationName(EVERYONE, tag)));
      }
      return d.key("{" + tenant + "}:c:");
    }

    /**
     * The same fields as {@link #parameters()} writes for a query without escapes: each kept
     * parameter as {@code [name start, name end, value start, value end]}, sorted by name (stably),
     * written from the query itself.
     */
    private void plainParameters(Scratch d) {
      int[] spans = d.spans(query.length() / 2 + 1);
      int n = 0;
      int start = 0;
      while (start <= query.length() && !query.isEmpty()) {
        int end = query.indexOf('&', start);
        if (end < 0) {
          end = query.length();
        }
        if (end > start) {
          int eq = query.indexOf('=', start);
          boolean hasValue = eq >= 0 && eq < end;
          int nameEnd = hasValue ? eq : end;
          if (kept(start, nameEnd)) {
            int at = n;
            while (at > 0 && compareNames(spans, at - 1, start, nameEnd) > 0) { // insertion: stable
              System.arraycopy(spans, (at - 1) * 4, spans, at * 4, 4);
              at--;
            }
            spans[at * 4] = start;
            spans[at * 4 + 1] = nameEnd;
            spans[at * 4 + 2] = hasValue ? eq + 1 : end;
            spans[at * 4 + 3] = end;
            n++;
          }
        }
        start = end + 1;
      }
      d.field(n);
      for (int i = 0; i < n; i++) {
        d.field(query, spans[i * 4], spans[i * 4 + 1]);
        d.field(query, spans[i * 4 + 2], spans[i * 4 + 3]);
      }
    }

    /** Whether the parameter named by the query's {@code [from, to)} changes the answer. */
    private boolean kept(int from, int to) {
      if (queryParameters.isEmpty()) {
        return true;
      }
      for (String name : queryParameters.get()) {
        if (name.length() == to - from && query.regionMatches(from, name, 0, name.length())) {
          return true;
        }
      }
      return false;
    }

    /** {@code String.compareTo} of the name in span {@code i} and the query's {@code [from, to)}. */
    private int compareNames(int[] spans, int i, int from, int to) {
      int a = spans[i * 4];
      int aLength = spans[i * 4 + 1] - a;
      int bLength = to - from;
      for (int k = 0; k < Math.min(aLength, bLength); k++) {
        int c = query.charAt(a + k) - query.charAt(from + k);
        if (c != 0) {
          return c;
        }
      }
      return aLength - bLength;
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
