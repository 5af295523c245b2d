package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A Redis that keeps nothing on disk is told apart from one that persists (the store warns at start). */
class VolatileRedisWarningTest {
  @Test
  void nothingOnDiskIsAppendOnlyOffAndNoSavePoints() {
    assertThat(RedisScripts.persistenceOff("no", "")).isTrue();
    assertThat(RedisScripts.persistenceOff("no", null)).isTrue();
    assertThat(RedisScripts.persistenceOff("yes", "")).isFalse();
    assertThat(RedisScripts.persistenceOff("YES", "")).isFalse();
    assertThat(RedisScripts.persistenceOff("no", "3600 1 300 100")).isFalse();
  }
}
