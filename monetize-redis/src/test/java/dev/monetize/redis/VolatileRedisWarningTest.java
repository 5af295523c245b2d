package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A Redis that keeps nothing on disk is told apart from one that persists (the store warns at start). */
class VolatileRedisWarningTest {
  @Test
  void nothingOnDiskIsAppendOnlyOffAndNoSavePoints() {
    assertThat(ServerSettings.persistenceOff("no", "")).isTrue();
    assertThat(ServerSettings.persistenceOff("no", null)).isTrue();
    assertThat(ServerSettings.persistenceOff("yes", "")).isFalse();
    assertThat(ServerSettings.persistenceOff("YES", "")).isFalse();
    assertThat(ServerSettings.persistenceOff("no", "3600 1 300 100")).isFalse();
  }

  /** A server that may evict keys is told apart: a memory limit and a policy other than noeviction. */
  @Test
  void aServerEvictsWithAMemoryLimitAndAnEvictingPolicy() {
    assertThat(ServerSettings.evicts("0", "allkeys-lru")).isFalse(); // no limit: nothing is evicted
    assertThat(ServerSettings.evicts("1073741824", "noeviction")).isFalse();
    assertThat(ServerSettings.evicts("1073741824", "volatile-lru")).isTrue(); // quota states expire: they go
    assertThat(ServerSettings.evicts("1073741824", "allkeys-lfu")).isTrue(); // balances too
    assertThat(ServerSettings.evicts(null, null)).isFalse(); // CONFIG GET answered nothing
  }
}
