package dev.monetize.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Cache keys: what changes the answer changes the key; the order of query parameters never does. */
class CacheKeyProperties {
  private final ResponseCache cache = ResponseCache.inMemory(1 << 20);

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withChars("ab:{}=&%-_/ 1\u00e9").ofMaxLength(6);
  }

  @Provide
  Arbitrary<String> nonEmpty() {
    return Arbitraries.strings().withChars("ab:{}-_1").ofMinLength(1).ofMaxLength(6);
  }

  private String key(String tenant, String op, String version, String path, String query, String accept) {
    return CacheKey.builder(tenant, op).version(version).path(path).query(query).header("Accept", accept)
        .tags(Set.of("stats")).build(cache);
  }

  @Property(tries = 500)
  void differentTenantsVersionsPathsOrHeadersNeverShareAKey(@ForAll("nonEmpty") String t1, @ForAll("nonEmpty") String t2,
      @ForAll("text") String v1, @ForAll("text") String v2, @ForAll("text") String p1, @ForAll("text") String p2,
      @ForAll("text") String a1, @ForAll("text") String a2) {
    boolean same = t1.equals(t2) && v1.equals(v2) && p1.equals(p2) && a1.equals(a2);
    assertThat(key(t1, "op", v1, "/" + p1, "", a1).equals(key(t2, "op", v2, "/" + p2, "", a2))).isEqualTo(same);
  }

  @Property(tries = 300)
  void fieldsThatConcatenateAlikeStillDiffer(@ForAll("nonEmpty") String a, @ForAll("nonEmpty") String b) {
    // "ab" + "" against "a" + "b": length prefixes keep them apart
    String joined = a + b;
    assertThat(key("t", "op", joined, "/", "", "")).isNotEqualTo(key("t", "op", a, "/" + b, "", ""));
    assertThat(CacheKey.builder(joined, "op").build(cache)).isNotEqualTo(CacheKey.builder(a, b + "op").build(cache));
  }

  @Property(tries = 300)
  void theOrderOfQueryParametersNeverMatters(@ForAll @Size(max = 6) List<@net.jqwik.api.From("nonEmpty") String> names,
      @ForAll long seed) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      pairs.add(names.get(i).replace("=", "").replace("&", "") + i + "=" + i);
    }
    List<String> shuffled = new ArrayList<>(pairs);
    Collections.shuffle(shuffled, new java.util.Random(seed));
    assertThat(key("t", "op", "", "/", String.join("&", pairs), ""))
        .isEqualTo(key("t", "op", "", "/", String.join("&", shuffled), ""));
  }

  @Property(tries = 300)
  void aQueryKeysTheSameWithOrWithoutEscapesAndAnyValueChangesIt(
      @ForAll @Size(max = 5) List<@net.jqwik.api.From("nonEmpty") String> names, @ForAll("nonEmpty") String value) {
    List<String> plain = new ArrayList<>();
    List<String> escaped = new ArrayList<>();
    for (String n : names) {
      plain.add(n + "=" + value);
      escaped.add(escape(n) + "=" + escape(value)); // decoded, the same parameters
    }
    String q = String.join("&", plain);
    assertThat(key("t", "op", "", "/", String.join("&", escaped), "")).isEqualTo(key("t", "op", "", "/", q, ""));
    if (!names.isEmpty()) {
      assertThat(key("t", "op", "", "/", q + "x", "")).isNotEqualTo(key("t", "op", "", "/", q, ""));
    }
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append('%').append(String.format("%02X", (int) c));
    }
    return b.toString();
  }

  @Property(tries = 200)
  void aTagInvalidatedForTheTenantOrForEveryoneMakesNewKeysForThatTenantOnly(@ForAll("nonEmpty") String tenant,
      @ForAll boolean forEveryone) {
    ResponseCache c = ResponseCache.inMemory(1 << 20);
    String before = CacheKey.builder(tenant, "op").tags(Set.of("stats")).build(c);
    String other = CacheKey.builder(tenant + "x", "op").tags(Set.of("stats")).build(c);
    c.invalidate(CacheKey.generationName(forEveryone ? CacheKey.EVERYONE : tenant, "stats"));
    assertThat(CacheKey.builder(tenant, "op").tags(Set.of("stats")).build(c)).isNotEqualTo(before);
    assertThat(CacheKey.builder(tenant + "x", "op").tags(Set.of("stats")).build(c).equals(other))
        .isEqualTo(!forEveryone);
    assertThat(CacheKey.builder(tenant, "op").tags(Set.of("other")).build(c))
        .isEqualTo(CacheKey.builder(tenant, "op").tags(Set.of("other")).build(ResponseCache.inMemory(1 << 20)));
  }

  @Property(tries = 100)
  void headSharesGetsEntryAndOnlyTheChosenParametersCount(@ForAll("nonEmpty") String v) {
    assertThat(CacheKey.builder("t", "op").method("HEAD").build(cache))
        .isEqualTo(CacheKey.builder("t", "op").method("GET").build(cache));
    assertThat(CacheKey.builder("t", "op").query("from=1&utm=" + v).onlyQueryParameters(Set.of("from")).build(cache))
        .isEqualTo(CacheKey.builder("t", "op").query("from=1").build(cache));
    assertThat(CacheKey.builder("t", "op").query("from=" + v).build(cache))
        .isNotEqualTo(CacheKey.builder("t", "op").query("from=" + v + "0").build(cache));
    assertThat(CacheKey.builder("t", "op").build(cache)).startsWith("{t}:c:");
  }
}
