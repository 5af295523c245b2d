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

  /** A server that may evict keys is told apart: a memory limit and a policy other than noeviction. */
  @Test
  void aServerEvictsWithAMemoryLimitAndAnEvictingPolicy() {
    assertThat(RedisScripts.evicts("0", "allkeys-lru")).isFalse(); // no limit: nothing is evicted
    assertThat(RedisScripts.evicts("1073741824", "noeviction")).isFalse();
    assertThat(RedisScripts.evicts("1073741824", "volatile-lru")).isTrue(); // quota states expire: they go
    assertThat(RedisScripts.evicts("1073741824", "allkeys-lfu")).isTrue(); // balances too
    assertThat(RedisScripts.evicts(null, null)).isFalse(); // CONFIG GET answered nothing
  }
}
