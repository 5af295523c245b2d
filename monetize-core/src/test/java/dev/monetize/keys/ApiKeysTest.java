package dev.monetize.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  @Test
  void keyShapeMatchesTheStandard() {
    String key = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
    assertThat(key).matches("mk_live_[0-9A-Za-z]{22}[0-9A-Za-z]{6}");
    // 22 base62 characters carry more than 128 bits
    assertThat(22 * Math.log(62) / Math.log(2)).isGreaterThan(128);
  }

  @Test
  void keysAndIdsDoNotRepeat() {
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(ApiKeys.newSecret(KeyEnvironment.TEST, random))).isTrue();
      assertThat(seen.add(ApiKeys.newKeyId(random))).isTrue();
    }
  }

  @Test
  void hashIsSha256Base64Url() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(ApiKeys.hash("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  }

  @Test
  void recordsNeverPrintSecretsOrHashes() {
    SecureRandom random = new SecureRandom();
    String secret = ApiKeys.newSecret(KeyEnvironment.LIVE, random);
    ApiKey key = new ApiKey("key_1", "acme", ApiKeys.hash(secret), Set.of("*"), KeyEnvironment.LIVE,
        KeyStatus.ACTIVE, java.time.Instant.EPOCH, java.util.Optional.empty());
    IssuedKey issued = new IssuedKey(key, secret);
    assertThat(issued.toString()).doesNotContain(secret).doesNotContain(key.secretHash());
    assertThat(key.toString()).doesNotContain(key.secretHash());
  }

  @Test
  void inMemoryStoreReplacesByIdAndForgetsOldHash() {
    KeyStore store = KeyStore.inMemory();
    ApiKey k = new ApiKey("key_1", "acme", "h1", Set.of("*"), KeyEnvironment.LIVE, KeyStatus.ACTIVE,
        java.time.Instant.EPOCH, java.util.Optional.empty());
    store.save(k);
    ApiKey rotated = new ApiKey("key_1", "acme", "h2", Set.of("*"), KeyEnvironment.LIVE, KeyStatus.ACTIVE,
        java.time.Instant.EPOCH, java.util.Optional.empty());
    store.save(rotated);
    assertThat(store.findByHash("h1")).isEmpty();
    assertThat(store.findByHash("h2")).contains(rotated);
    assertThat(store.findById("key_1")).contains(rotated);
  }
}
