package dev.monetize.examples.analytics.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class EventParserProperties {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private final EventParser parser = new EventParser(Clock.fixed(NOW, ZoneOffset.UTC));

  private List<Event> parse(String s) {
    return parser.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesEveryFieldAndDefaults() {
    List<Event> events = parse("[{\"type\":\"page_view\",\"timestamp\":\"2026-11-24T09:00:00Z\",\"user_id\":\"u1\","
        + "\"value\":2.5,\"properties\":{\"page\":\"/home\",\"n\":3,\"ok\":true},\"ignored\":1},"
        + "{\"type\":\"click\",\"timestamp\":1764000000000}, {\"type\":\"x\"}]");
    assertThat(events).hasSize(3);
    Event e = events.get(0);
    assertThat(e.type()).isEqualTo("page_view");
    assertThat(e.userId()).contains("u1");
    assertThat(e.value()).isEqualTo(2.5);
    assertThat(e.properties()).containsEntry("page", "/home").containsEntry("n", "3").containsEntry("ok", "true");
    assertThat(events.get(1).timestamp()).isEqualTo(Instant.ofEpochMilli(1764000000000L));
    assertThat(events.get(2).timestamp()).isEqualTo(NOW);
    assertThat(events.get(2).value()).isEqualTo(1.0);
  }

  @Test
  void errorsNameTheElementAndField() {
    assertThatThrownBy(() -> parse("[{\"type\":\"a\"},{\"type\":\"b\",\"timestamp\":\"yesterday\"}]"))
        .isInstanceOf(BadInputException.class)
        .hasMessage("events[1].timestamp: expected an ISO-8601 instant or epoch milliseconds, got \"yesterday\"");
    assertThatThrownBy(() -> parse("[{\"type\":5}]")).hasMessageStartingWith("events[0].type:");
    assertThatThrownBy(() -> parse("{}")).hasMessageContaining("must be a JSON array");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("events[0]: expected an object, got a number");
    assertThatThrownBy(() -> parse("[] []")).hasMessageContaining("not valid JSON");
    for (java.nio.charset.Charset wide : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16,
        java.nio.charset.Charset.forName("UTF-32BE"))) { // which the JSON parser would recognize, and read
      assertThatThrownBy(() -> parser.parse("[{\"type\":\"a\"}]".getBytes(wide))).as(wide.name())
          .isInstanceOf(BadInputException.class).hasMessageContaining("not UTF-8");
    }
    // the parser's internals (class names, settings) never reach the caller
    for (String bad : new String[] {"[{\"type\":\"a\",\"value\":NaN}]", "[{", "[" + "9".repeat(2_000) + "]",
        "[".repeat(1_500)}) {
      assertThatThrownBy(() -> parse(bad)).hasMessageStartingWith("the body is not valid JSON")
          .hasMessageNotContaining("`").hasMessageNotContaining("Constraints").hasMessageNotContaining("Feature");
    }
    assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
    // a field given twice is refused (which one counts is not guessed); values stay where sums stay finite
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"value\":1,\"value\":2}]"))
        .hasMessageStartingWith("an object of the body gives a field twice (line 1");
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"value\":1.7e308}]"))
        .hasMessage("events[0].value: expected a number between -1e15 and 1e15, got 1.7E308");
    assertThat(parse("[{\"type\":\"a\",\"value\":-1e15}]").get(0).value()).isEqualTo(-1e15);
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"value\":\"NaN\"}]")).hasMessageContaining("events[0].value");
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"properties\":{\"k\":[1]}}]"))
        .hasMessageContaining("events[0].properties.k");
    assertThatThrownBy(() -> parse("[" + "{\"type\":\"a\"},".repeat(EventParser.MAX_EVENTS) + "{\"type\":\"a\"}]"))
        .hasMessageContaining("too many events");
  }

  /**
   * Text with a control character (a NUL no database stores: it was a billed 500 on PostgreSQL; a line
   * feed that forged log lines) or half a surrogate pair (no UTF-8 encodes one) is refused, naming
   * where; a whole pair (an emoji) is text like any other.
   */
  @Test
  void controlCharactersAndHalfSurrogatesAreRefusedNamingWhere() {
    assertThatThrownBy(() -> parse("[{\"type\":\"a\\u0000b\"}]")).isInstanceOf(BadInputException.class)
        .hasMessage("events[0].type: control characters (U+0000) are not accepted in text");
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"user_id\":\"u\\nERROR forged\"}]"))
        .hasMessageStartingWith("events[0].user_id: control characters (U+000A)");
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"properties\":{\"k\\u0007\":\"v\"}}]"))
        .hasMessageStartingWith("events[0].properties (a property's name): control characters (U+0007)");
    assertThatThrownBy(() -> parse("[{\"type\":\"a\",\"properties\":{\"k\":\"v\\u009b\"}}]"))
        .hasMessageStartingWith("events[0].properties.k: control characters (U+009B)");
    assertThatThrownBy(() -> parse("[{\"type\":\"a\\ud800\"}]"))
        .hasMessageStartingWith("events[0].type: half of a surrogate pair (U+D800)");
    assertThatThrownBy(() -> parser.parse(new byte[] {'[', '{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xed,
        (byte) 0xa0, (byte) 0x80, '"', '}', ']'})).isInstanceOf(BadInputException.class); // a surrogate in UTF-8 bytes
    assertThat(parse("[{\"type\":\"a\\ud83d\\ude00\",\"properties\":{\"k\":\"\u00e9t\u00e9\"}}]").get(0).type())
        .isEqualTo("a\ud83d\ude00");
  }

  @Property(tries = 1000)
  void arbitraryTextParsesOrIsBadInput(@ForAll @StringLength(max = 120) String text) {
    parsesOrRefuses(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 500)
  void arbitraryBytesParseOrAreBadInput(@ForAll byte[] bytes) {
    parsesOrRefuses(bytes);
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> scalar = Arbitraries.of("1", "-1", "1e999", "0.5", "true", "null", "\"x\"",
        "\"2026-01-01T00:00:00Z\"", "99999999999999999999", "\"\"", "[]", "{}");
    Arbitrary<String> field = Arbitraries.of("type", "timestamp", "user_id", "value", "properties", "other");
    Arbitrary<String> member = net.jqwik.api.Combinators.combine(field, scalar).as((f, v) -> "\"" + f + "\":" + v);
    Arbitrary<String> object = member.list().ofMaxSize(5).map(m -> "{" + String.join(",", m) + "}");
    return object.list().ofMaxSize(4).map(o -> "[" + String.join(",", o) + "]");
  }

  @Property(tries = 1000)
  void structuredButWrongDocumentsParseOrAreBadInput(@ForAll("jsonish") String doc) {
    parsesOrRefuses(doc.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 200)
  void exportRoundTripsThroughTheParser(@ForAll @IntRange(min = 0, max = 20) int n,
      @ForAll @StringLength(max = 10) String anyText) {
    net.jqwik.api.Assume.that(anyText.chars().noneMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c)));
    String type = "t" + anyText; // a type must not be blank
    EventStore store = EventStore.inMemory();
    StringBuilder doc = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      doc.append(i == 0 ? "" : ",").append("{\"type\":").append(quote(type)).append(",\"timestamp\":")
          .append(1_700_000_000_000L + i * 1000L).append(",\"user_id\":\"u").append(i % 3)
          .append("\",\"value\":").append(i).append(",\"properties\":{\"i\":").append(quote(type + i)).append("}}");
    }
    List<Event> events = parse(doc.append("]").toString());
    store.append("t", events);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      store.export("t", out);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    String ndjson = out.toString(StandardCharsets.UTF_8);
    List<String> lines = ndjson.lines().toList();
    assertThat(lines).hasSize(n);
    List<Event> back = parse("[" + String.join(",", lines) + "]");
    assertThat(back).isEqualTo(events);
  }

  private static String quote(String s) {
    return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  private void parsesOrRefuses(byte[] body) {
    try {
      assertThat(parser.parse(body)).isNotNull();
    } catch (BadInputException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      assertThat(expected.hint()).isNotBlank();
    }
  }
}
