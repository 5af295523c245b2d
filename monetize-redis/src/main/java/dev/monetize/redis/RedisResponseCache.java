package dev.monetize.redis;

import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ResponseCache} on Redis, shared by every node: an entry is one string value written
 * with {@code SET ... PX ttl} (Redis forgets it when it expires), tag generations are counters
 * ({@code INCR}), so an invalidation on one node changes the keys every node computes at once, with
 * no message to lose. Keys carry the tenant's hash tag ({@code {acme}:c:...}), so a tenant's entries
 * share a Redis Cluster slot. A cache that cannot be reached is a miss (the endpoint answers), never
 * an error.
 *
 * <pre>{@code
 * RedisResponseCache cache = RedisResponseCache.connect("redis://127.0.0.1:6379/0", "monetize:");
 * }</pre>
 */
public final class RedisResponseCache implements ResponseCache, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisResponseCache.class);
  /**
   * The version of the value layout, first in every value: 3 adds the answer's own headers after the
   * bodies. Layout 2 (no headers) is still read, so entries written before an upgrade serve out their ttl.
   */
  private static final int LAYOUT = 3;

  private final RedisLink<byte[], byte[]> link;
  private final RedisClusterCommands<byte[], byte[]> redis;
  private final String prefix;

  private RedisResponseCache(RedisEndpoint endpoint, String prefix, Duration timeout) {
    this.link = RedisLink.open(endpoint, ByteArrayCodec.INSTANCE, timeout);
    this.redis = link.sync;
    this.prefix = prefix;
  }

  /** Connects to {@code uri}; every key starts with {@code prefix}; each command times out after 200 ms. */
  public static RedisResponseCache connect(String uri, String prefix) {
    return connect(RedisEndpoint.of(uri), prefix);
  }

  /** Connects to one server or a Redis Cluster; every key starts with {@code prefix}; 200 ms per command. */
  public static RedisResponseCache connect(RedisEndpoint endpoint, String prefix) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(prefix, "prefix");
    return new RedisResponseCache(endpoint, prefix, Duration.ofMillis(200));
  }

  @Override
  public Optional<CachedResponse> get(String key) {
    try {
      byte[] value = redis.get(bytes(prefix + key));
      return value == null ? Optional.empty() : Optional.of(decode(value));
    } catch (RuntimeException | IOException e) { // unreachable, or a value this layout cannot read
      LOG.debug("response cache read failed, answered as a miss: {}", e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void put(String key, CachedResponse response, Duration ttl) {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a time to live is at least 1 s, got " + ttl);
    }
    try {
      redis.set(bytes(prefix + key), encode(response), SetArgs.Builder.px(ttl.toMillis()));
    } catch (RedisException e) {
      LOG.debug("response cache write failed, nothing stored: {}", e.toString());
    }
  }

  @Override
  public long generation(String tag) {
    try {
      byte[] v = redis.get(bytes(prefix + tag));
      return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
    } catch (RedisException e) {
      // an unknown generation must never find an invalidated entry: a key no entry has
      LOG.debug("response cache generation unreadable, answered as a fresh one: {}", e.toString());
      return -System.nanoTime();
    }
  }

  /**
   * One {@code MGET} (on a cluster, one per slot involved, sent together); an unreadable store
   * answers generations no entry was stored under, as {@link #generation} does.
   */
  @Override
  public long[] generations(java.util.List<String> tags) {
    if (tags.isEmpty()) {
      return new long[0];
    }
    byte[][] keys = new byte[tags.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = bytes(prefix + tags.get(i));
    }
    long[] out = new long[keys.length];
    try {
      java.util.List<io.lettuce.core.KeyValue<byte[], byte[]>> values = redis.mget(keys);
      for (int i = 0; i < out.length; i++) {
        io.lettuce.core.KeyValue<byte[], byte[]> v = values.get(i);
        out[i] = v.hasValue() ? Long.parseLong(new String(v.getValue(), StandardCharsets.US_ASCII)) : 0;
      }
    } catch (RedisException e) {
      LOG.debug("response cache generations unreadable, answered as fresh ones: {}", e.toString());
      for (int i = 0; i < out.length; i++) {
        out[i] = -System.nanoTime();
      }
    }
    return out;
  }

  @Override
  public void invalidate(String tag) {
    redis.incr(bytes(prefix + tag)); // an invalidation that fails must say so: it throws
  }

  private static byte[] encode(CachedResponse r) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) r.weight() + 128);
      DataOutputStream d = new DataOutputStream(out);
      d.writeByte(LAYOUT);
      d.writeUTF(r.operation());
      d.writeShort(r.status());
      d.writeUTF(r.contentType());
      d.writeUTF(r.etag());
      d.writeLong(r.storedAt().toEpochMilli());
      byte[] body = r.body();
      d.writeInt(body.length);
      d.write(body);
      byte[] gzip = r.gzip();
      d.writeInt(gzip.length);
      d.write(gzip);
      d.writeInt(r.headers().size());
      for (dev.monetize.http.Header h : r.headers()) { // lengths as ints: a value may pass writeUTF's 64 KiB
        writeText(d, h.name());
        writeText(d, h.value());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CachedResponse decode(byte[] value) throws IOException {
    DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(value));
    int layout = d.readByte();
    if (layout != LAYOUT && layout != 2) {
      throw new IOException("an entry of another layout");
    }
    String operation = d.readUTF();
    int status = d.readShort();
    String type = d.readUTF();
    String etag = d.readUTF();
    Instant at = Instant.ofEpochMilli(d.readLong());
    byte[] body = d.readNBytes(d.readInt());
    byte[] gzip = d.readNBytes(d.readInt());
    java.util.List<dev.monetize.http.Header> headers = new java.util.ArrayList<>();
    for (int n = layout == 2 ? 0 : d.readInt(); n > 0; n--) {
      headers.add(new dev.monetize.http.Header(readText(d), readText(d)));
    }
    return new CachedResponse(operation, status, type, body, gzip, etag, at, headers);
  }

  private static void writeText(DataOutputStream d, String text) throws IOException {
    byte[] b = bytes(text);
    d.writeInt(b.length);
    d.write(b);
  }

  private static String readText(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > d.available()) {
      throw new IOException("a header longer than the entry");
    }
    return new String(d.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    link.close();
  }
}
