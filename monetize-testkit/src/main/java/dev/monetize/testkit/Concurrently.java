package dev.monetize.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;

/**
 * Runs one body on several threads released at the same moment, for concurrency tests: every
 * thread waits at the start line, all go at once, and the first failure fails the test.
 *
 * <pre>{@code
 * List<Integer> admitted = Concurrently.call(8, thread -> countAdmitted(thread));
 * }</pre>
 */
public final class Concurrently {
  private Concurrently() {}

  /**
   * What one thread does.
   *
   * @param <T> what it answers
   */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs on thread number {@code thread} (0-based). */
    T run(int thread) throws Exception;
  }

  /**
   * Starts {@code threads} threads, releases them together to run {@code body} with their index,
   * waits for all (at most two minutes) and returns their answers in thread order, or rethrows the
   * first failure as an {@link AssertionError}.
   */
  public static <T> List<T> call(int threads, Body<T> body) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReferenceArray<T> answers = new AtomicReferenceArray<>(threads);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          answers.set(index, body.run(index));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure.compareAndSet(null, e);
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
    List<T> out = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      out.add(answers.get(t));
    }
    return out;
  }

  /** {@link #call} for a body that answers nothing. */
  public static void run(int threads, IntConsumer body) throws InterruptedException {
    call(threads, t -> {
      body.accept(t);
      return null;
    });
  }
}
