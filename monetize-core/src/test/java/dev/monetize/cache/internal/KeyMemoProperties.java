package dev.monetize.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.ResponseCache;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A remembered key is always the key the builder computes now, before and after invalidations. */
class KeyMemoProperties {
  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withChars("ab=&%2F1 ").ofMaxLength(8);
  }

  @Provide
  Arbitrary<String> tenant() {
    return Arbitraries.of("acme", "globex");
  }

  @Property(tries = 300)
  void aRememberedKeyIsTheBuildersKey(@ForAll("tenant") String tenant, @ForAll("text") String query,
      @ForAll("text") String accept, @ForAll boolean head, @ForAll boolean invalidate, @ForAll boolean forEveryone,
      @ForAll boolean onlyA) {
    ResponseCache store = ResponseCache.inMemory(1 << 20);
    KeyMemo memo = new KeyMemo(100);
    Set<String> tags = Set.of("stats", "events");
    Optional<Set<String>> only = onlyA ? Optional.of(Set.of("a")) : Optional.empty();
    String method = head ? "HEAD" : "GET";
    String first = memo.key(store, tenant, "op", method, "/v1/x", query, accept, null, tags, only);
    assertThat(first).isEqualTo(direct(store, tenant, query, accept, tags, only));
    assertThat(memo.key(store, tenant, "op", method, "/v1/x", query, accept, null, tags, only)).isEqualTo(first);
    if (invalidate) {
      store.invalidate(CacheKey.generationName(forEveryone ? CacheKey.EVERYONE : tenant, "events"));
      String after = memo.key(store, tenant, "op", method, "/v1/x", query, accept, null, tags, only);
      assertThat(after).isNotEqualTo(first).isEqualTo(direct(store, tenant, query, accept, tags, only));
    }
    String other = tenant.equals("acme") ? "globex" : "acme";
    assertThat(memo.key(store, other, "op", method, "/v1/x", query, accept, null, tags, only))
        .isNotEqualTo(memo.key(store, tenant, "op", method, "/v1/x", query, accept, null, tags, only));
  }

  private static String direct(ResponseCache store, String tenant, String query, String accept, Set<String> tags,
      Optional<Set<String>> only) {
    CacheKey.Builder b = CacheKey.builder(tenant, "op").method("GET").path("/v1/x").query(query).header("Accept", accept)
        .tags(tags);
    only.ifPresent(b::onlyQueryParameters);
    return b.build(store);
  }
}
