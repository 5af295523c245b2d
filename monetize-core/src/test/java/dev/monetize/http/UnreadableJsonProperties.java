package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** Whatever body a client sends, what it is told names a place in its own JSON, never a Java class. */
class UnreadableJsonProperties {
  /** What an endpoint might read. */
  record Point(String day, long n) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Property(tries = 2_000)
  void anUnreadableBodyIsToldWhereAndNeverWhichClass(
      @ForAll @StringLength(max = 40) @Chars({'[', ']', '{', '}', '"', ':', ',', ' ', 'n', 'd', 'a', 'y'})
      @CharRange(from = '0', to = '9') String body) {
    try {
      MAPPER.readValue(body, new TypeReference<List<Point>>() { });
    } catch (IOException e) {
      assertThat(UnreadableJson.detail(e)).hasValueSatisfying(d -> assertThat(d).startsWith("The request body ")
          .doesNotContain("java.").doesNotContain("Point").doesNotContain("Exception").hasSizeLessThan(200));
    }
  }

  @Property(tries = 50)
  void anythingElseIsNoneOfItsBusiness(@ForAll String message) {
    assertThat(UnreadableJson.detail(new IllegalStateException(message, new IOException(message)))).isEmpty();
  }

  /** What Jackson cannot bind at all is the service's mistake, and a body past its limit a 413: neither is told here. */
  abstract static class NoCreator {
  }

  @net.jqwik.api.Example
  void aBodyPastItsLimitAndAnUnbindableTypeAreNotTheClientsShape() {
    com.fasterxml.jackson.databind.JsonMappingException wrapped = com.fasterxml.jackson.databind.JsonMappingException
        .wrapWithPath(new BodyTooLargeException(20_000), List.of(), 3);
    assertThat(UnreadableJson.detail(wrapped)).isEmpty();
    try {
      MAPPER.readValue("{}", NoCreator.class);
      throw new AssertionError("bound a type without a creator");
    } catch (IOException e) {
      assertThat(UnreadableJson.detail(e)).isEmpty();
    }
  }
}
