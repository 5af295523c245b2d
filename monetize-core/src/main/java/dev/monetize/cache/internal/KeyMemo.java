package dev.monetize.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.cache.CacheKey;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Remembers the cache key computed for a request's exact inputs, with the tag generations it was
 * computed under: while those generations are current, the same inputs give the same key, so the
 * SHA-256 and the field encoding are skipped (they are most of a hit's cost). The inputs are
 * compared whole ({@code equals}), never by hash alone; an invalidation changes a generation and so
 * the next request computes a new key.
 */
public final class KeyMemo {
  /** What makes a key, exactly as the request gave it. */
  private record Inputs(String tenant, String operation, String method, String path, String query, String accept,
      String origin) {}

  /** A key and the generations (names and values) it was computed under. */
  private record Memo(String key, String[] names, long[] generations) {}

  private final Cache<Inputs, Memo> memos;

  /** A memo of at most {@code size} keys. */
  public KeyMemo(long size) {
    this.memos = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
  }

  /**
   * The key of these inputs (see {@link CacheKey}), from the memo while its generations are current.
   *
   * @param origin the request's {@code Origin} (a line feed: it sent none), or {@code null} for the
   *     key of an adapter that does not key by origin, apart from every origin's
   * @param onlyQueryParameters the operation's query parameters that count, if not all
   */
  public String key(ResponseCache store, String tenant, String operation, String method, String path, String rawQuery,
      String accept, String origin, Set<String> tags, Optional<Set<String>> onlyQueryParameters) {
    Inputs in = new Inputs(tenant, operation, method, path, rawQuery == null ? "" : rawQuery, accept == null ? "" : accept,
        origin);
    Memo m = memos.getIfPresent(in);
    if (m != null && current(store, m)) {
      return m.key();
    }
    String[] names = new String[tags.size() * 2];
    int i = 0;
    for (String tag : tags.size() > 1 ? new TreeSet<>(tags) : tags) {
      names[i] = CacheKey.generationName(tenant, tag);
      names[i + 1] = CacheKey.generationName(CacheKey.EVERYONE, tag);
      i += 2;
    }
    long[] generations = names.length == 0 ? new long[0] : store.generations(java.util.Arrays.asList(names));
    CacheKey.Builder b = CacheKey.builder(tenant, operation).method(method).path(path).query(rawQuery)
        .header("accept", accept).tags(tags);
    if (origin != null) {
      b.header("origin", origin);
    }
    onlyQueryParameters.ifPresent(b::onlyQueryParameters);
    String key = b.build(new Snapshot(names, generations)); // the generations just read, not newer ones
    memos.put(in, new Memo(key, names, generations));
    return key;
  }

  private static boolean current(ResponseCache store, Memo m) {
    return m.names().length == 0 || java.util.Arrays.equals(store.generations(java.util.Arrays.asList(m.names())),
        m.generations());
  }

  /** The generations read once, answered to the key's builder. */
  private record Snapshot(String[] names, long[] generations) implements ResponseCache {
    @Override
    public long generation(String tag) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(tag)) {
          return generations[i];
        }
      }
      throw new IllegalStateException("a generation that was not read: " + tag);
    }

    @Override
    public Optional<CachedResponse> get(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void put(String key, CachedResponse response, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void invalidate(String tag) {
      throw new UnsupportedOperationException();
    }
  }

  /** Keys remembered (for tests). */
  public long size() {
    memos.cleanUp();
    return memos.estimatedSize();
  }
}
