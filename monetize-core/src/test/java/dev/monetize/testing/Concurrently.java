package dev.monetize.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** Runs one body on several threads released at the same moment, for the concurrency tests. */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Starts {@code threads} threads, releases them together to run {@code body} with their index,
   * waits for all (at most two minutes) and rethrows the first failure.
   */
  public static void run(int threads, IntConsumer body) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          body.accept(index);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "concurrently-" + t);
      th.start();
      started.add(th);
    }
    go.countDown();
    for (Thread th : started) {
      th.join(TimeUnit.MINUTES.toMillis(2));
      if (th.isAlive()) {
        throw new AssertionError(th.getName() + " did not finish within two minutes");
      }
    }
    if (failure.get() != null) {
      throw new AssertionError("a concurrent thread failed: " + failure.get(), failure.get());
    }
  }
}
