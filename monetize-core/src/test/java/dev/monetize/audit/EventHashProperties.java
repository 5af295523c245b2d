package dev.monetize.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The allocation-free hash is the hash the specification defines, byte for byte, for any event. */
class EventHashProperties {
  @Provide
  Arbitrary<Instant> instants() {
    return Combinators.combine(Arbitraries.longs().between(-80_000_000_000L, 300_000_000_000L),
        Arbitraries.oneOf(Arbitraries.integers().between(0, 999_999_999), Arbitraries.of(0, 1_000_000, 120_000_000, 5_000)))
        .as(Instant::ofEpochSecond);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20), // any UTF-16, lone surrogates included
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20), Arbitraries.of("", "é€😀", "\"\\\n\u0001"),
        // every character JSON escapes or UTF-8 encodes differently, often enough to meet each one
        Arbitraries.strings().withChars("\"\\\b\f\n\r\t\u0000\u001f\u007f aé€\ud83d\ude00\ud800\udfff").ofMaxLength(12));
  }

  @Property(tries = 300)
  void instantsWrittenOneAfterAnotherOnOneBufferAreWrittenAsInstantWritesThem(@ForAll("instants") Instant start,
      @ForAll @net.jqwik.api.constraints.Size(max = 12) java.util.List<@net.jqwik.api.constraints.LongRange(min = -90_000,
          max = 90_000) Long> stepsMillis) {
    // the buffer remembers the last second it wrote: the same second, the next, one a day back, each must be right
    JsonBytes t = new JsonBytes(4);
    Instant i = start;
    StringBuilder expected = new StringBuilder();
    for (long step : stepsMillis) {
      EventHash.instant(t, i);
      expected.append(i);
      i = i.plusMillis(step);
    }
    EventHash.instant(t, i);
    assertThat(t.text()).isEqualTo(expected.append(i).toString());
  }

  @Property(tries = 1_000)
  void instantsAreWrittenAsInstantWritesThem(@ForAll("instants") Instant i) {
    JsonBytes t = new JsonBytes(4);
    EventHash.instant(t, i);
    assertThat(t.text()).isEqualTo(i.toString());
  }

  @Property(tries = 500)
  void theHashIsThatOfTheCanonicalJsonOfTheFields(@ForAll("instants") Instant time, @ForAll("text") String a,
      @ForAll("text") String b, @ForAll("text") String c, @ForAll boolean customer,
      @ForAll("maps") Map<String, String> query, @ForAll("maps") Map<String, String> details,
      @ForAll @net.jqwik.api.constraints.LongRange(min = 0, max = 1L << 53) long n) {
    AuditEvent e = new AuditEvent(time, a, customer ? Optional.of(b) : Optional.empty(),
        customer ? Optional.of(c) : Optional.empty(), "op." + c, "GET", "/p/" + a, b, (int) (n % 600), c, n, n / 2,
        details, n / 3, 0, "", "", "", "/p/{" + b + "}", query, c);
    AuditEvent chained = e.chained("seg-" + a, 7, AuditEvent.GENESIS);
    assertThat(chained.hash()).isEqualTo(AuditEvent.hashOf(AuditEvent.GENESIS, chained.fields()));
  }

  @Property(tries = 500)
  void anEventChainedAsItIsMadeIsTheEventChainedAfterwards(@ForAll("instants") Instant time,
      @ForAll("text") String a, @ForAll("text") String b, @ForAll("text") String c, @ForAll boolean customer,
      @ForAll("maps") Map<String, String> query, @ForAll("maps") Map<String, String> details,
      @ForAll @net.jqwik.api.constraints.LongRange(min = 1, max = 1L << 53) long n) {
    Optional<String> customerId = customer ? Optional.of(b) : Optional.empty();
    Optional<String> keyId = customer ? Optional.of(c) : Optional.empty();
    String prev = AuditEvent.hashOf(AuditEvent.GENESIS, Map.of("seed", a));
    AuditEvent afterwards = new AuditEvent(time, a, customerId, keyId, "op." + c, "GET", "/p/" + a, b, (int) (n % 600),
        c, n, n / 2, details, n / 3, 0, "", "", "", "/p/{" + b + "}", query, c).chained("seg-" + a, n, prev);
    AuditEvent made = AuditEvent.chainedOf(time, a, customerId, keyId, "op." + c, "GET", "/p/" + a, b, (int) (n % 600),
        c, n, n / 2, details, n / 3, "/p/{" + b + "}", query, c, "seg-" + a, n, prev);
    assertThat(made).isEqualTo(afterwards);
    assertThat(made.hash()).isEqualTo(AuditEvent.hashOf(prev, made.fields()));
  }

  @Property(tries = 200)
  void eventsChainedAfterHashesMadeOnThisThreadHashAsTheCanonicalJsonSays(@ForAll("instants") Instant time,
      @ForAll("text") String a, @ForAll @net.jqwik.api.constraints.IntRange(min = 2, max = 40) int length,
      @ForAll long seed) {
    // two chains interleaved, so that the thread's remembered hashes are found, missed and overwritten;
    // every other link is after an equal copy of the hash (not the same string), which is written as text
    java.util.Random random = new java.util.Random(seed);
    String[] prev = {AuditEvent.GENESIS, AuditEvent.GENESIS};
    for (int i = 0; i < length; i++) {
      int chain = random.nextInt(2);
      String after = random.nextBoolean() ? prev[chain] : new String(prev[chain].toCharArray());
      AuditEvent e = new AuditEvent(time.plusNanos(i), a + i, Optional.of("c" + chain), Optional.of("k"), "op", "GET",
          "/p/" + a, "203.0.113.9", 200, "admitted", i, i, Map.of()).chained("seg", i + 1, after);
      assertThat(e.hash()).isEqualTo(AuditEvent.hashOf(after, e.fields()));
      prev[chain] = e.hash();
    }
  }

  @Property(tries = 500)
  void stringsRememberedBySlotAreWrittenAsTheyAreWhenWrittenAfresh(
      @ForAll("texts") java.util.List<String> texts, @ForAll long seed) {
    // strings written again at their slot (the same object), others in their place, equal copies, long
    // ones past what is remembered, on one buffer: each written as a fresh buffer writes it
    java.util.Random random = new java.util.Random(seed);
    JsonBytes remembering = new JsonBytes(1);
    JsonBytes fresh = new JsonBytes(1);
    String[] last = new String[JsonBytes.MEMO_SLOTS];
    for (String text : texts) {
      int slot = random.nextInt(3);
      String s = last[slot] != null && random.nextBoolean() ? last[slot]
          : random.nextInt(4) == 0 ? text.repeat(1 + random.nextInt(40)) : text;
      if (random.nextInt(4) == 0) {
        s = new String(s.toCharArray()); // equal, not the same
      }
      last[slot] = s;
      remembering.string(s, slot).ascii(',');
      fresh.string(s).ascii(',');
    }
    assertThat(java.util.Arrays.copyOf(remembering.bytes(), remembering.size()))
        .isEqualTo(java.util.Arrays.copyOf(fresh.bytes(), fresh.size()));
  }

  @Property(tries = 2_000)
  void stringsAreEscapedAndEncodedAsJsonStringifyAndUtf8Do(@ForAll("text") String s) {
    JsonBytes out = new JsonBytes(1).string(s);
    byte[] written = java.util.Arrays.copyOf(out.bytes(), out.size());
    assertThat(written).isEqualTo(stringify(s).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void stringsOfAnyLengthWrittenOneAfterAnotherOnOneBufferAreEach(
      @ForAll @net.jqwik.api.constraints.Size(max = 6) java.util.List<@net.jqwik.api.From("longText") String> strings) {
    // one buffer for all: its copy of the characters grows, and what a longer string left there must not show
    JsonBytes out = new JsonBytes(1);
    StringBuilder expected = new StringBuilder();
    for (String s : strings) {
      out.string(s);
      expected.append(stringify(s));
    }
    byte[] written = java.util.Arrays.copyOf(out.bytes(), out.size());
    assertThat(written).isEqualTo(expected.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<java.util.List<String>> texts() {
    return text().list().ofMinSize(1).ofMaxSize(30);
  }

  @Provide
  Arbitrary<String> longText() {
    return Arbitraries.oneOf(text(), Arbitraries.strings().ofMaxLength(400),
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(60).ofMaxLength(400),
        Arbitraries.strings().withChars("\"\\\n\u0001 aé€\ud83d\ude00\ud800").ofMinLength(60).ofMaxLength(200));
  }

  @Property(tries = 1_000)
  void numbersAreWrittenInDecimalWithinIJson(@ForAll long n, @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 12) int width) {
    if (n > 1L << 53 || n < -(1L << 53)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JsonBytes(1).number(n))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2^53");
      return;
    }
    assertThat(new JsonBytes(1).number(n).text()).isEqualTo(Long.toString(n));
    if (n >= 0) {
      assertThat(new JsonBytes(1).digits(n, width).text()).isEqualTo(String.format("%0" + width + "d", n));
    }
  }

  /** The reference: ECMAScript's JSON.stringify of a string, one character at a time. */
  private static String stringify(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c < 0x20 || lone ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }

  @Provide
  Arbitrary<Map<String, String>> maps() {
    return Arbitraries.maps(text(), text()).ofMaxSize(4);
  }
}
