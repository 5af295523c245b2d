package dev.monetize.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ResponseCache} must do; implementations extend it with their store. */
public abstract class ResponseCacheContract {
  /** For the implementation's test class. */
  protected ResponseCacheContract() {}

  /** An empty cache (or one whose keys this test never met). */
  protected abstract ResponseCache cache();

  /** A second client of the same store (another node); by default the same object. */
  protected ResponseCache secondNode(ResponseCache first) {
    return first;
  }

  /** Lets {@code duration} pass for the store (sleeps by default). */
  protected void pass(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  private static String tenant() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static CachedResponse answer(String text) {
    return CachedResponse.of("stats.summary", 200, "application/json", text.getBytes(StandardCharsets.UTF_8),
        Instant.parse("2026-03-01T00:00:00Z"));
  }

  @Test
  public void anEntryKeepsItsGzipFormAndItsOperation() {
    ResponseCache c = cache();
    String key = CacheKey.builder(tenant(), "stats").path("/v1/stats/big").build(c);
    CachedResponse big = answer("{\"rows\":[" + "{\"day\":\"2026-03-01\",\"n\":1},".repeat(200) + "{}]}");
    assertThat(big.compressed()).isTrue();
    c.put(key, big, Duration.ofSeconds(60));
    CachedResponse back = secondNode(c).get(key).orElseThrow();
    assertThat(back).isEqualTo(big);
    assertThat(back.operation()).isEqualTo("stats.summary");
    assertThat(back.representation("gzip").bytes()).isEqualTo(big.gzip());
    assertThat(back.representation(null).bytes()).isEqualTo(big.body());
  }

  @Test
  public void anEntryKeepsTheAnswersOwnHeadersInOrder() {
    ResponseCache c = cache();
    String key = CacheKey.builder(tenant(), "stats").path("/v1/stats/page").build(c);
    java.util.List<dev.monetize.http.Header> headers = java.util.List.of(
        new dev.monetize.http.Header("Content-Language", "de"),
        new dev.monetize.http.Header("Link", "</v1/stats/page?after=9>; rel=\"next\""),
        new dev.monetize.http.Header("X-Row-Count", "10"),
        new dev.monetize.http.Header("X-Row-Count", "\u00e9t\u00e9"), // a second value, and text beyond ASCII
        // an answer stored for one Origin keeps its CORS headers and its Vary
        new dev.monetize.http.Header("Access-Control-Allow-Origin", "https://dash.example"),
        new dev.monetize.http.Header("Vary", "Origin"));
    CachedResponse page = CachedResponse.of("stats.summary", 200, "application/json",
        "{}".getBytes(StandardCharsets.UTF_8), headers, Instant.parse("2026-03-01T00:00:00Z"));
    c.put(key, page, Duration.ofSeconds(60));
    CachedResponse back = secondNode(c).get(key).orElseThrow();
    assertThat(back.headers()).containsExactlyElementsOf(headers);
    assertThat(back).isEqualTo(page);
  }

  @Test
  public void anEntryIsFoundByItsKeyExactlyAsStoredAndOnlyThere() {
    ResponseCache c = cache();
    String key = CacheKey.builder(tenant(), "stats").path("/v1/stats").build(c);
    assertThat(c.get(key)).isEmpty();
    CachedResponse a = answer("{\"n\":1}");
    c.put(key, a, Duration.ofSeconds(60));
    assertThat(c.get(key)).contains(a);
    assertThat(secondNode(c).get(key)).contains(a);
    assertThat(c.get(key + "x")).isEmpty();
    assertThat(c.get(key).orElseThrow().etag()).isEqualTo(a.etag()).startsWith("\"").endsWith("\"");
    c.put(key, answer("{\"n\":2}"), Duration.ofSeconds(60));
    assertThat(new String(c.get(key).orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
    assertThatThrownBy(() -> c.put(key, a, Duration.ofMillis(10))).hasMessageContaining("at least 1 s");
  }

  @Test
  public void anEntryIsGoneAfterItsTimeToLive() throws Exception {
    ResponseCache c = cache();
    String key = CacheKey.builder(tenant(), "stats").build(c);
    c.put(key, answer("{}"), Duration.ofSeconds(1));
    assertThat(c.get(key)).isPresent();
    pass(Duration.ofMillis(1_300));
    assertThat(c.get(key)).isEmpty();
  }

  @Test
  public void invalidatingATagOnOneNodeMakesEveryNodeMissForThatTenantOrForEveryone() {
    ResponseCache a = cache();
    ResponseCache b = secondNode(a);
    String acme = tenant();
    String globex = tenant();
    String acmeKey = CacheKey.builder(acme, "stats").tags(Set.of("stats")).build(a);
    String globexKey = CacheKey.builder(globex, "stats").tags(Set.of("stats")).build(a);
    a.put(acmeKey, answer("acme"), Duration.ofSeconds(60));
    a.put(globexKey, answer("globex"), Duration.ofSeconds(60));
    b.invalidate(CacheKey.generationName(acme, "stats"));
    assertThat(a.get(CacheKey.builder(acme, "stats").tags(Set.of("stats")).build(a))).isEmpty();
    assertThat(a.get(CacheKey.builder(globex, "stats").tags(Set.of("stats")).build(a))).isPresent();
    long before = a.generation(CacheKey.generationName(CacheKey.EVERYONE, "stats"));
    a.invalidate(CacheKey.generationName(CacheKey.EVERYONE, "stats"));
    assertThat(b.generation(CacheKey.generationName(CacheKey.EVERYONE, "stats"))).isGreaterThan(before);
    assertThat(b.get(CacheKey.builder(globex, "stats").tags(Set.of("stats")).build(b))).isEmpty();
    for (String key : List.of(acmeKey, globexKey)) {
      assertThat(key).startsWith("{");
    }
  }

  @Test
  void generationsReadTogetherAreTheGenerationsReadOneByOne() {
    ResponseCache a = cache();
    ResponseCache b = secondNode(a);
    String acme = "acme-" + java.util.UUID.randomUUID();
    String tenant = CacheKey.generationName(acme, "stats");
    String everyone = CacheKey.generationName(CacheKey.EVERYONE, "stats-" + java.util.UUID.randomUUID());
    String untouched = CacheKey.generationName(acme, "never-invalidated");
    a.invalidate(tenant);
    a.invalidate(tenant);
    b.invalidate(everyone);
    java.util.List<String> names = java.util.List.of(tenant, everyone, untouched);
    long[] together = b.generations(names);
    assertThat(together).containsExactly(b.generation(tenant), b.generation(everyone), 0L);
    assertThat(together[0]).isEqualTo(a.generation(tenant)).isGreaterThanOrEqualTo(2);
    assertThat(b.generations(java.util.List.of())).isEmpty();
  }
}
