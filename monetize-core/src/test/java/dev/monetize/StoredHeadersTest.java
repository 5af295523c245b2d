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
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What a stored answer keeps of its headers, for every hit to send again (CacheLookup.replayable). */
class StoredHeadersTest {
  private static final String ENGINE_LINK = "<https://example.com/migrate-to-v2>; rel=\"deprecation\"";

  @Test
  void theApplicationsHeadersAreKeptAndNoneThatBelongToOneRequestOrToTheEngine() {
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
        new Header("Clear-Site-Data", "\"cookies\""),
        // one origin's CORS answer, one exchange's trace, one form's digest
        new Header("Access-Control-Allow-Origin", "https://a.example"), new Header("Access-Control-Expose-Headers",
            "RateLimit"), new Header("Timing-Allow-Origin", "https://a.example"),
        new Header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        new Header("X-Correlation-Id", "c1"), new Header("X-B3-TraceId", "abc"), new Header("Server-Timing", "db;dur=3"),
        new Header("Content-Digest", "sha-256=:x=:"), new Header("Accept-Ranges", "bytes"),
        new Header("X-Total-Count", "120"));
    assertThat(CacheLookup.replayable(answer, ENGINE_LINK, false)).containsExactly(new Header("Content-Language", "de"),
        new Header("X-Content-Type-Options", "nosniff"), new Header("Strict-Transport-Security", "max-age=31536000"),
        new Header("content-disposition", "inline"), new Header("Link", "</v1/page?after=9>; rel=\"next\""),
        new Header("X-Total-Count", "120"));
  }

  @Test
  void onlyTheEnginesOwnLinkIsTakenOut() {
    assertThat(CacheLookup.replayable(List.of(new Header("Link", ENGINE_LINK)), ENGINE_LINK, false)).isEmpty();
    String own = "<https://example.com/notes>; rel=\"deprecation\""; // the application's, not the engine's guide
    assertThat(CacheLookup.without(own + ", " + ENGINE_LINK, ENGINE_LINK)).isEqualTo(own);
    assertThat(CacheLookup.without(ENGINE_LINK, "")).as("an operation without a guide").isEqualTo(ENGINE_LINK);
    // a backslash ends a quoted title; an unterminated one keeps what follows, as written
    assertThat(CacheLookup.without("<a>; title=\"a\\\\\", " + ENGINE_LINK + ", <b>; rel=next", ENGINE_LINK))
        .isEqualTo("<a>; title=\"a\\\\\", <b>; rel=next");
    assertThat(CacheLookup.without(ENGINE_LINK + ", <a>; title=\"open, <b>", ENGINE_LINK))
        .isEqualTo("<a>; title=\"open, <b>");
  }

  @Test
  void anAnswerThatVariesWithARequestHeaderOutsideTheKeyIsNotKept() {
    assertThat(CacheLookup.variesOutsideTheKey(List.of(new Header("Vary", "Authorization, X-API-Key, Accept, "
        + "Accept-Encoding"), new Header("Vary", "Api-Version")), false)).isFalse();
    for (String vary : new String[] {"Origin", "accept-language", "Cookie", "*", "Accept, User-Agent"}) {
      assertThat(CacheLookup.variesOutsideTheKey(List.of(new Header("Vary", vary)), false)).as(vary).isTrue();
    }
  }

  @Test
  void keyedByTheOriginAnAnswerVaryingByItOrByThePreflightsHeadersIsKeptWithItsCorsHeaders() {
    List<Header> cors = List.of(new Header("Vary", "Origin, Access-Control-Request-Method, "
        + "Access-Control-Request-Headers"), new Header("Access-Control-Allow-Origin", "https://a.example"),
        new Header("Access-Control-Allow-Credentials", "true"), new Header("Timing-Allow-Origin", "https://a.example"),
        new Header("Set-Cookie", "s=1"), new Header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        new Header("Content-Language", "de"));
    assertThat(CacheLookup.variesOutsideTheKey(cors, true)).isFalse();
    assertThat(CacheLookup.variesOutsideTheKey(cors, false)).as("the origin outside the key").isTrue();
    assertThat(CacheLookup.variesOutsideTheKey(List.of(new Header("Vary", "Origin, Accept-Language")), true)).isTrue();
    assertThat(CacheLookup.replayable(cors, "", true)).containsExactly(cors.get(0), cors.get(1), cors.get(2), cors.get(3),
        cors.get(6));
    assertThat(CacheLookup.replayable(cors, "", false)).containsExactly(cors.get(6));
    assertThat(CachedResponse.of("op", 200, "text/plain", new byte[0], CacheLookup.replayable(cors, "", true),
        Instant.EPOCH).headers()).hasSize(5);
  }

  @Property
  void keyedByTheOriginOnlyTheCorsHeadersAndVaryAreKeptBeyondWhatEveryAnswerKeeps(@ForAll("names") List<String> names) {
    List<Header> answer = names.stream().map(n -> new Header(n, "v")).toList();
    List<Header> byOrigin = CacheLookup.replayable(answer, "", true);
    List<Header> plain = CacheLookup.replayable(answer, "", false);
    assertThat(plain).allMatch(h -> CachedResponse.replayed(h.name()));
    assertThat(byOrigin).containsAll(plain);
    assertThat(byOrigin).filteredOn(h -> !plain.contains(h))
        .allMatch(h -> CachedResponse.replayedToOneOrigin(h.name()) && !CachedResponse.replayed(h.name()));
    assertThat(byOrigin).hasSize((int) answer.stream()
        .filter(h -> CachedResponse.replayed(h.name()) || CachedResponse.replayedToOneOrigin(h.name())).count());
  }

  @Provide
  Arbitrary<List<String>> names() {
    return Arbitraries.oneOf(Arbitraries.of("Vary", "vary", "Access-Control-Allow-Origin", "access-control-max-age",
        "Timing-Allow-Origin", "Set-Cookie", "Content-Language", "ETag", "X-Rows", "traceparent", "Access-Control",
        "X-Access-Control-Allow-Origin"), Arbitraries.strings().withChars("abcXY-").ofMinLength(1).ofMaxLength(6))
        .list().ofMaxSize(8);
  }

  @Test
  void anEntryRefusesAHeaderItNeverReplaysOrOneThatCouldSplitTheAnswer() {
    assertThatThrownBy(() -> CachedResponse.of("op", 200, "text/plain", new byte[0],
        List.of(new Header("Set-Cookie", "a=b")), Instant.EPOCH)).hasMessageContaining("Set-Cookie");
    assertThatThrownBy(() -> CachedResponse.of("op", 200, "text/plain", new byte[0],
        List.of(new Header("X-A", "b\r\nSet-Cookie: s=1")), Instant.EPOCH)).hasMessageContaining("CR, LF or NUL");
    assertThatThrownBy(() -> CachedResponse.of("op", 200, "text/plain", new byte[0],
        List.of(new Header("X A", "b")), Instant.EPOCH)).hasMessageContaining("X A");
  }

  @Property
  void theEnginesLinkIsTakenOutWhereverItStandsAndTheRestKeptAsWritten(
      @ForAll("links") List<String> own, @ForAll int at) {
    List<String> members = new ArrayList<>(own);
    members.add(Math.floorMod(at, members.size() + 1), ENGINE_LINK);
    assertThat(CacheLookup.without(String.join(", ", members), ENGINE_LINK)).isEqualTo(String.join(", ", own));
  }

  @Provide
  Arbitrary<List<String>> links() {
    Arbitrary<String> uri = Arbitraries.strings().withChars("abc/?=&,;\"").ofMinLength(1).ofMaxLength(12)
        .map(s -> "https://example.com/" + s.replace("\"", "%22"));
    Arbitrary<String> rel = Arbitraries.of("next", "prev", "\"alternate\"", "deprecation", "\"deprecation\"");
    Arbitrary<String> title = Arbitraries.strings().withChars("ab ,;<>\\\"").ofMaxLength(8)
        .map(t -> t.replace("\\", "\\\\").replace("\"", "\\\"")); // a quoted-string's escapes
    Arbitrary<String> member = Combinators.combine(uri, rel, title)
        .as((u, r, t) -> "<" + u + ">; rel=" + r + (t.isEmpty() ? "" : "; title=\"" + t + "\""));
    return member.list().ofMaxSize(4);
  }

  /** What marks an answer as one caller's (never stored), and Spring Security's blanket defaults, which do not. */
  @org.junit.jupiter.api.Test
  void noStoreAndPrivateMarkAnAnswerAsOneCallersSpringSecuritysDefaultsDoNot() {
    for (String value : List.of("no-store", "private", "PRIVATE, max-age=60", "private=\"Set-Cookie\"",
        "max-age=10, no-store", "no-cache, no-store, max-age=0, must-revalidate", "no-store;", "No-Cache",
        "max-age=0", "public, s-maxage=0", "max-age=\"0\"", "max-age=00", "public, s-maxage=000", "max-age=soon",
        "max-age")) {
      assertThat(dev.monetize.cache.PrivateAnswers.marked(List.of(new Header("Cache-Control", value)))).as(value).isTrue();
    }
    for (String value : List.of("max-age=60", "public, max-age=60", "no-cache=\"Set-Cookie\"", "must-revalidate",
        "s-maxage=5", "max-age=0, s-maxage=60", "max-age=10")) {
      assertThat(dev.monetize.cache.PrivateAnswers.marked(List.of(new Header("Cache-Control", value)))).as(value).isFalse();
    }
    assertThat(dev.monetize.cache.PrivateAnswers.marked(List.of(new Header("Set-Cookie", "a=b")))).isFalse();
    List<Header> springSecurity = List.of(new Header("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
        new Header("Pragma", "no-cache"), new Header("Expires", "0"), new Header("X-Frame-Options", "DENY"));
    assertThat(dev.monetize.cache.PrivateAnswers.marked(springSecurity, true)).isFalse(); // behind Spring Security
    assertThat(dev.monetize.cache.PrivateAnswers.marked(springSecurity)).isTrue(); // else the application's own word
    assertThat(dev.monetize.cache.PrivateAnswers.marked(springSecurity.subList(0, 2), true)).isTrue(); // not the three: the application's word
    List<Header> andPrivate = new ArrayList<>(springSecurity);
    andPrivate.add(new Header("Cache-Control", "private")); // the application's own line beside the defaults
    assertThat(dev.monetize.cache.PrivateAnswers.marked(andPrivate, true)).isTrue();
  }
}
