package dev.monetize.keys;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** What is logged of an exception: no credential, and no character that could begin a forged log line. */
class RedactionProperties {
  @Property(tries = 500)
  void aRedactedExceptionsMessagesHoldNoControlCharacter(@ForAll String message, @ForAll String cause) {
    Throwable logged = Redaction.redact(new IllegalStateException(message, new RuntimeException(cause)));
    for (Throwable t = logged; t != null; t = t.getCause()) {
      assertThat(t.getMessage().chars().noneMatch(c -> c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f
          || c == 0x2028 || c == 0x2029)).as(t.getMessage()).isTrue();
    }
  }

  @Example
  void aLineFeedAndANulAreWrittenAsEscapesAndAKeyIsRedacted() {
    Throwable logged = Redaction.redact(new IllegalStateException(
        "cannot store events: x\n2026-12-07T03:20:00.000Z ERROR forged line\u0000 mk_live_abcdefghijklmnop"));
    assertThat(logged.getMessage()).isEqualTo("java.lang.IllegalStateException: cannot store events: "
        + "x\\n2026-12-07T03:20:00.000Z ERROR forged line\\u0000 [redacted]");
  }

  /** A path quoted in a problem's detail: no key, no token, at most 200 characters and the mark of a cut. */
  @Property(tries = 300)
  void aQuotedPathHoldsNoKeyAndIsShort(@ForAll("paths") String before, @ForAll("paths") String after) {
    java.security.SecureRandom random = new java.security.SecureRandom();
    String key = ApiKeys.newSecret(KeyEnvironment.LIVE, random);
    String quoted = Redaction.quoted("/v1/" + before + key + "/" + after);
    assertThat(quoted).doesNotContain(key).hasSizeLessThanOrEqualTo(203);
    String expected = "/v1/" + before + "[redacted]/" + after;
    if (expected.length() <= 200) {
      assertThat(quoted).isEqualTo(expected);
    } else {
      assertThat(quoted).endsWith("...");
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> paths() {
    return net.jqwik.api.Arbitraries.strings().withChars("abc/-.").ofMaxLength(400);
  }
}
