package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A key store of the user's own that does not override {@code KeyStore.replace} (its default reads,
 * compares and saves) holds within one process: of a revocation and a rotation made from one version,
 * exactly one lands, however their reads and saves interleave (each read yields the thread: a wide
 * window). Without the default's lock, some rounds let both land and the rotation undid the revocation.
 */
class DefaultKeyReplaceTest {
  @RepeatedTest(3)
  void ofARevocationAndARotationFromOneVersionExactlyOneLands() throws Exception {
    HookedKeyStore own = new HookedKeyStore();
    own.afterRead = Thread::yield;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 2_000; round++) {
        ApiKey k = new ApiKey("key_" + round, "acme", Optional.empty(), "hash_" + round, Set.of("stats:read"),
            KeyEnvironment.TEST, KeyStatus.ACTIVE, Instant.EPOCH, Optional.empty(), Optional.empty(), Optional.empty(),
            Map.of(), Set.of());
        own.save(k);
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Boolean> revoked = pool.submit(() -> {
          together.await();
          return own.replace(k, k.withStatus(KeyStatus.REVOKED));
        });
        Future<Boolean> rotated = pool.submit(() -> {
          together.await();
          return own.replace(k, k.rotated("hash_new_" + k.id(), Instant.EPOCH.plusSeconds(60)));
        });
        assertThat(revoked.get() ^ rotated.get()).as("round " + round + ": exactly one lands").isTrue();
        assertThat(own.findById(k.id()).orElseThrow().status() == KeyStatus.REVOKED).isEqualTo(revoked.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
