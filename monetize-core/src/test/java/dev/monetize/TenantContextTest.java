package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The tenant of the request a thread serves: set in a scope, carried to other threads only on purpose. */
@SuppressWarnings("try") // the scopes are opened for what they do while open
class TenantContextTest {
  @Test
  void aScopeSetsTheTenantAndRestoresWhatWasBefore() {
    assertThat(TenantContext.current()).isEmpty();
    assertThatThrownBy(TenantContext::require).hasMessageContaining("no tenant on this thread");
    try (TenantContext.Scope outer = TenantContext.open("acme")) {
      assertThat(TenantContext.require()).isEqualTo("acme");
      try (TenantContext.Scope inner = TenantContext.open("globex")) {
        assertThat(TenantContext.require()).isEqualTo("globex");
      }
      assertThat(TenantContext.require()).isEqualTo("acme");
    }
    assertThat(TenantContext.current()).isEmpty();
  }

  @Test
  void workOnAPoolSeesTheTenantOnlyWhenItIsCarriedAndNeverKeepsIt() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TenantContext.Scope s = TenantContext.open("acme")) {
      Future<String> carried = pool.submit(TenantContext.propagate(() -> TenantContext.current().orElse("none")));
      assertThat(carried.get(5, TimeUnit.SECONDS)).isEqualTo("acme");
      Future<String> plain = pool.submit(() -> TenantContext.current().orElse("none"));
      assertThat(plain.get(5, TimeUnit.SECONDS)).isEqualTo("none"); // the pooled thread kept nothing
      String[] seen = new String[1];
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      TenantContext.propagating(pool).execute(() -> {
        seen[0] = TenantContext.current().orElse("none");
        done.countDown();
      });
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(seen[0]).isEqualTo("acme");
    } finally {
      pool.shutdown();
    }
  }
}
