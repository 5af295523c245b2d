package dev.monetize.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Query values reach the trail in clear only when the operation allows it; the rest as keyed hashes. */
class QueryRedactionProperties {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private final QueryRedaction redaction = new QueryRedaction(KEY);

  @Provide
  Arbitrary<Map<String, String>> queries() {
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().ofMinLength(4).ofMaxLength(40)).ofMaxSize(40);
  }

  private static String raw(Map<String, String> q) {
    return q.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  @Property(tries = 300)
  void onlyAllowedValuesAreKeptInClear(@ForAll("queries") Map<String, String> query,
      @ForAll @Size(max = 3) Set<@net.jqwik.api.constraints.AlphaChars @net.jqwik.api.constraints.StringLength(
          min = 1, max = 12) String> allowed) {
    Map<String, String> out = redaction.redact(raw(query), allowed);
    assertThat(out.size()).isLessThanOrEqualTo(QueryRedaction.MAX_PARAMETERS + 1);
    out.forEach((name, shown) -> {
      if (name.equals("...")) {
        return;
      }
      String value = query.get(name);
      if (allowed.contains(name)) {
        assertThat(shown).isEqualTo(value);
      } else {
        assertThat(shown).isEqualTo(redaction.hash(value)).startsWith("#").hasSize(17).isNotEqualTo(value);
      }
    });
    int kept = (int) out.keySet().stream().filter(n -> !n.equals("...")).count();
    assertThat(kept + (out.containsKey("...") ? Integer.parseInt(out.get("...")) : 0)).isEqualTo(query.size());
  }

  @Property(tries = 100)
  void theSameValueHashesAlikeUnderOneKeyAndDifferentlyUnderAnother(@ForAll String value) {
    assertThat(new QueryRedaction(KEY).hash(value)).isEqualTo(redaction.hash(value));
    assertThat(QueryRedaction.random().hash(value)).isNotEqualTo(redaction.hash(value));
  }

  @Property(tries = 200)
  void anyRawQueryIsRedactedWithoutFailing(@ForAll @net.jqwik.api.constraints.StringLength(max = 300) String raw) {
    Map<String, String> out = redaction.redact(raw, Set.of());
    assertThat(out.values()).allSatisfy(v -> assertThat(v).matches("(#[0-9a-f]{16})?(,(#[0-9a-f]{16})?)*|\\d+"));
  }

  @Property(tries = 200)
  void aRepeatedOrValuelessParameterNeitherEscapesTheCapNorShowsItsName(
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 5_000) int repeats) {
    String flood = "a&".repeat(repeats) + "sk_live_secret";
    Map<String, String> out = redaction.redact(flood, Set.of());
    assertThat(out.size()).isLessThanOrEqualTo(QueryRedaction.MAX_PARAMETERS + 1);
    assertThat(String.join(",", out.keySet()) + String.join(",", out.values())).doesNotContain("sk_live_secret")
        .doesNotContain("a,a");
  }

  /**
   * A name sent with an empty value ({@code ?mk_live_...=}) is as secret as one sent with none, and a
   * name that is a key is hashed with a value too.
   */
  @Property(tries = 100)
  void aNameWithAnEmptyValueIsHashedLikeOneWithout(@ForAll("names") String name) {
    for (String raw : new String[] {name, name + "=", "page=2&" + name + "="}) {
      Map<String, String> out = redaction.redact(raw, Set.of());
      assertThat(out.keySet()).as(raw).doesNotContain(name);
      assertThat(String.join(",", out.values())).doesNotContain(name);
    }
    assertThat(redaction.redact(name + "=x", Set.of())).doesNotContainKey(name).containsKey(redaction.hash(name));
    assertThat(redaction.redact("page=x", Set.of())).containsKey("page"); // with a value, another name is kept
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> names() {
    return net.jqwik.api.Arbitraries.strings().withCharRange('a', 'z').ofMinLength(6).ofMaxLength(30)
        .map(s -> "mk_live_" + s);
  }

  @Property(tries = 100)
  void cuttingNeverSplitsACharacter(@ForAll String s, @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 30) int max) {
    String cut = QueryRedaction.cut(s, max);
    assertThat(cut.length()).isLessThanOrEqualTo(max);
    assertThat(s).startsWith(cut);
    if (!cut.isEmpty()) {
      assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))
          && cut.length() < s.length() && Character.isLowSurrogate(s.charAt(cut.length()))).isFalse();
    }
  }

  @Property(tries = 200)
  void anEventReadsBackFromItsJson(@ForAll("queries") Map<String, String> query, @ForAll String userAgent,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 100, max = 599) int status) {
    AuditEvent e = new AuditEvent(Instant.parse("2026-12-02T10:00:00.123456Z"), "r-1", Optional.of("acme"),
        Optional.empty(), "stats", "GET", "/v1/stats/x", "2001:db8::1", status, "admitted", 17, 4, Map.of("k", "v"),
        3, 0, "", "", "", "/v1/stats/{id}", new LinkedHashMap<>(query), userAgent)
        .chained("2026-12-02T10:00:00Z", 1, AuditEvent.GENESIS);
    assertThat(AuditEvent.parse(e.json())).isEqualTo(e);
  }
}
