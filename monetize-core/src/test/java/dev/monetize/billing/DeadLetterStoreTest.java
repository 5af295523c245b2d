package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.billing.internal.FileDeadLetters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter stores' bounds: stores of one directory in one process, and how many letters a store holds. */
class DeadLetterStoreTest {
  @TempDir
  Path dir;

  private static List<UsageExport.DeadLetter> letters(String prefix, int n) {
    List<UsageExport.DeadLetter> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new UsageExport.DeadLetter(prefix + i, "{\"id\":\"" + prefix + i + "\"}", "answered 503"));
    }
    return out;
  }

  /** Two stores of one directory in one process take turns (the file lock alone threw for the second: half the adds failed). */
  @Test
  void twoStoresOfOneDirectoryInOneProcessTakeTurns() throws Exception {
    DeadLetterStore a = DeadLetterStore.inDirectory(dir);
    DeadLetterStore b = DeadLetterStore.inDirectory(dir.resolve(".").resolve("..").resolve(dir.getFileName()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        done.add(pool.submit(() -> a.add(letters("a" + n + "-", 3))));
        done.add(pool.submit(() -> b.add(letters("b" + n + "-", 3))));
      }
      for (Future<?> f : done) {
        f.get(); // none threw
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(DeadLetterStore.inDirectory(dir).list(Integer.MAX_VALUE)).hasSize(600);
  }

  /** A store holds at most MAX_LETTERS: past that adding throws (the journal keeps the batch), removing always works. */
  @Test
  void aFullStoreRefusesMoreAndTakesRemovals() {
    for (DeadLetterStore store : List.of(DeadLetterStore.inMemory(), DeadLetterStore.inDirectory(dir))) {
      store.add(letters("x", FileDeadLetters.MAX_LETTERS));
      assertThatThrownBy(() -> store.add(letters("y", 1))).hasMessageContaining("is full (50000 letters)");
      store.add(letters("x", 1)); // the same letter again, with its newest reason: no more letters
      assertThat(store.list(Integer.MAX_VALUE)).hasSize(FileDeadLetters.MAX_LETTERS);
      store.remove(List.of("x0", "x1"));
      store.add(letters("y", 2));
      assertThat(store.list(Integer.MAX_VALUE)).hasSize(FileDeadLetters.MAX_LETTERS);
    }
  }
}
