package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.cache.CachedResponse;
import dev.monetize.http.Header;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What a stored answer keeps of its headers, for every hit to send again (CacheLookup.replayable). */
class StoredHeadersTest {
  private static final String ENGINE_LINK = "<https://example.com/migrate-to-v2>; rel=\"deprecation\"";

  @Test
  void theApplicationsHeadersAreKeptAndTheEnginesTheCachesTheFramingsAndCookiesAreNot() {
    List<Header> answer = List.of(new Header("X-Request-Id", "r1"), new Header("RateLimit", "\"rate\";r=9;t=1"),
        new Header("RateLimit-Policy", "\"rate\";q=10;w=1"), new Header("Content-Language", "de"),
        new Header("Set-Cookie", "session=abc"), new Header("Cache-Control", "private"), new Header("ETag", "\"x\""),
        new Header("Vary", "Authorization, X-API-Key"), new Header("Content-Length", "2"),
        new Header("Content-Type", "application/json"), new Header("Transfer-Encoding", "chunked"),
        new Header("Deprecation", "@1"), new Header("Sunset", "Sat, 01 Jan 2028 00:00:00 GMT"),
        new Header("Api-Version", "2026-01-01"), new Header("X-Content-Type-Options", "nosniff"),
        new Header("Strict-Transport-Security", "max-age=31536000"), new Header("content-disposition", "inline"),
        new Header("Link", "</v1/page?after=9>; rel=\"next\", " + ENGINE_LINK),
        new Header("Monetize-Quota-Warning", "\"daily\";used=80"), new Header("Authentication-Info", "rspauth=x"),
        new Header("Clear-Site-Data", "\"cookies\""));
    assertThat(CacheLookup.replayable(answer)).containsExactly(new Header("Content-Language", "de"),
        new Header("X-Content-Type-Options", "nosniff"), new Header("Strict-Transport-Security", "max-age=31536000"),
        new Header("content-disposition", "inline"), new Header("Link", "</v1/page?after=9>; rel=\"next\""));
  }

  @Test
  void aLinkOfOnlyTheEnginesIsNotKeptAtAll() {
    assertThat(CacheLookup.replayable(List.of(new Header("Link", ENGINE_LINK)))).isEmpty();
    assertThat(CacheLookup.withoutDeprecationLinks("<a>; rel=deprecation; type=\"text/html\"")).isEmpty();
    assertThat(CacheLookup.withoutDeprecationLinks("<a>; rel=\"deprecation-notes\"")).isEqualTo(
        "<a>; rel=\"deprecation-notes\""); // another relation, whose name merely starts so
  }

  @Test
  void anEntryRefusesAHeaderItNeverReplays() {
    assertThatThrownBy(() -> CachedResponse.of("op", 200, "text/plain", new byte[0],
        List.of(new Header("Set-Cookie", "a=b")), Instant.EPOCH)).hasMessageContaining("Set-Cookie");
  }

  @Property
  void theEnginesDeprecationLinkIsTakenOutWhereverItStandsAndTheRestKeptAsWritten(
      @ForAll("links") List<String> own, @ForAll int at) {
    List<String> members = new ArrayList<>(own);
    members.add(Math.floorMod(at, members.size() + 1), ENGINE_LINK);
    assertThat(CacheLookup.withoutDeprecationLinks(String.join(", ", members))).isEqualTo(String.join(", ", own));
  }

  @Provide
  Arbitrary<List<String>> links() {
    Arbitrary<String> uri = Arbitraries.strings().withChars("abc/?=&,;\"").ofMinLength(1).ofMaxLength(12)
        .map(s -> "https://example.com/" + s.replace("\"", "%22"));
    Arbitrary<String> rel = Arbitraries.of("next", "prev", "\"alternate\"", "\"deprecation-notes\"", "describedby");
    Arbitrary<String> title = Arbitraries.strings().withChars("ab ,;<>").ofMaxLength(8);
    Arbitrary<String> member = net.jqwik.api.Combinators.combine(uri, rel, title)
        .as((u, r, t) -> "<" + u + ">; rel=" + r + (t.isEmpty() ? "" : "; title=\"" + t + "\""));
    return member.list().ofMaxSize(4);
  }
}
