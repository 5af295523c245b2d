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
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20), Arbitraries.of("", "é€😀", "\"\\\n\u0001"));
  }

  @Property(tries = 1_000)
  void instantsAreWrittenAsInstantWritesThem(@ForAll("instants") Instant i) {
    StringBuilder t = new StringBuilder();
    EventHash.instant(t, i);
    assertThat(t.toString()).isEqualTo(i.toString());
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

  @Provide
  Arbitrary<Map<String, String>> maps() {
    return Arbitraries.maps(text(), text()).ofMaxSize(4);
  }
}
