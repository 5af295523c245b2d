package dev.monetize.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class ApiKeysProperties {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of(KeyEnvironment.values()).map(env -> ApiKeys.newSecret(env, RANDOM));
  }

  @Property
  void generatedKeysVerifyWithTheirEnvironment(@ForAll KeyEnvironment env) {
    String key = ApiKeys.newSecret(env, RANDOM);
    assertThat(key).startsWith(env.prefix()).hasSize(ApiKeys.LENGTH);
    assertThat(ApiKeys.environmentOf(key)).contains(env);
  }

  @Property
  void anySingleCharacterChangeIsRefused(@ForAll("keys") String key, @ForAll @IntRange(min = 0, max = 35) int position,
      @ForAll char replacement) {
    if (key.charAt(position) == replacement) {
      return;
    }
    String changed = key.substring(0, position) + replacement + key.substring(position + 1);
    // a changed prefix may name the other environment, but then the checksum no longer matches
    assertThat(ApiKeys.environmentOf(changed)).isEmpty();
  }

  @Property
  void truncationAndExtensionAreRefused(@ForAll("keys") String key, @ForAll @IntRange(min = 0, max = 35) int cut,
      @ForAll @StringLength(min = 1, max = 20) String extra) {
    assertThat(ApiKeys.environmentOf(key.substring(0, cut))).isEmpty();
    assertThat(ApiKeys.environmentOf(key + extra)).isEmpty();
    assertThat(ApiKeys.environmentOf(extra + key)).isEmpty();
  }

  @Property(tries = 2000)
  void arbitraryStringsNeverThrow(@ForAll @StringLength(max = 64) String anything) {
    assertThat(ApiKeys.environmentOf(anything)).isEmpty();
  }

  @Property(tries = 200)
  void wellShapedButRandomStringsAreRefusedByTheChecksum(@ForAll KeyEnvironment env,
      @ForAll("base62") String body) {
    // 28 base62 characters after the prefix: right length and alphabet, checksum right 1 in 2^32
    assertThat(ApiKeys.environmentOf(env.prefix() + body)).isEmpty();
  }

  @Provide
  Arbitrary<String> base62() {
    return Arbitraries.strings().withChars(ApiKeys.ALPHABET.toCharArray()).ofLength(28);
  }

  @Property(tries = 20)
  void hugeAndOddInputsNeverThrow(@ForAll @IntRange(min = 0, max = 10_240) int length, @ForAll char fill) {
    String s = String.valueOf(fill).repeat(length);
    assertThat(ApiKeys.environmentOf(s)).isEmpty();
    assertThat(ApiKeys.environmentOf("mk_live_\u00e9\u4e2d" + s)).isEmpty();
  }

  @Property(tries = 50)
  void hashesAreStableAndDistinct(@ForAll("keys") String a, @ForAll("keys") String b) {
    assertThat(ApiKeys.hash(a)).isEqualTo(ApiKeys.hash(a)).doesNotContain(a);
    assertThat(ApiKeys.sameHash(ApiKeys.hash(a), ApiKeys.hash(a))).isTrue();
    if (!a.equals(b)) {
      assertThat(ApiKeys.sameHash(ApiKeys.hash(a), ApiKeys.hash(b))).isFalse();
    }
  }

  @Property(tries = 500)
  void theTableChecksumIsTheStandardCrc32(@ForAll @net.jqwik.api.constraints.CharRange(from = 0, to = 127)
      @StringLength(max = 80) String ascii) {
    java.util.zip.CRC32 reference = new java.util.zip.CRC32();
    reference.update(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(ApiKeys.checksum(ascii, ascii.length())).isEqualTo(reference.getValue());
  }

  @Property(tries = 300)
  void aKeyWhoseChecksumTheJdkComputedVerifies(@ForAll KeyEnvironment env, @ForAll("body") String body) {
    java.util.zip.CRC32 reference = new java.util.zip.CRC32();
    reference.update((env.prefix() + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StringBuilder checksum = new StringBuilder();
    long v = reference.getValue();
    for (int i = 0; i < ApiKeys.CHECKSUM_LENGTH; i++, v /= 62) {
      checksum.insert(0, ApiKeys.ALPHABET.charAt((int) (v % 62)));
    }
    assertThat(ApiKeys.environmentOf(env.prefix() + body + checksum)).contains(env);
  }

  @Provide
  Arbitrary<String> body() {
    return Arbitraries.strings().withChars(ApiKeys.ALPHABET.toCharArray()).ofLength(ApiKeys.RANDOM_LENGTH);
  }
}
