package dev.monetize.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Retained heap per active key: the heap after {@value #KEYS} keys each took one permit, minus the
 * heap before, divided by the number of keys. The key strings (and Monetize's request per key, which
 * the engine caches per customer) exist before the baseline, so only the limiter's own state is
 * counted. Every key is still active when the heap is read: the in-memory store's sweep keeps a key
 * for a second after its state stopped mattering. Prints one JSON object.
 *
 * <pre>java -cp benchmarks.jar dev.monetize.benchmarks.StateFootprint</pre>
 */
public final class StateFootprint {
  static final int KEYS = 200_000;

  private StateFootprint() {}

  /** Measures every keyed contender and prints {@code {"monetize": bytes, ...}}. */
  public static void main(String[] args) {
    String[] keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = ("{customer-" + i + "}:rate").intern();
    }
    StringBuilder json = new StringBuilder("{");
    for (String contender : new String[] {"monetize", "bucket4j-chm", "bucket4j-caffeine"}) {
      double perKey = measure(contender, keys);
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(contender).append("\": ").append(String.format(Locale.ROOT, "%.1f", perKey));
    }
    System.out.println(json.append('}'));
  }

  private static double measure(String contender, String[] keys) {
    // made before the baseline: Monetize's per-key requests are input (the engine holds them per
    // customer whatever the store), as the key strings are; each contender's state is made by the calls
    Contenders.KeyedLimiter limiter = Contenders.keyed(contender, keys);
    long before = settledHeap();
    for (int i = 0; i < keys.length; i++) {
      if (!limiter.tryAcquire(i)) {
        throw new IllegalStateException(contender + " refused key " + i);
      }
    }
    long after = settledHeap();
    // keep the limiter reachable until after the measurement
    if (!limiter.tryAcquire(0)) {
      throw new IllegalStateException(contender + " refused");
    }
    return (after - before) / (double) keys.length;
  }

  private static long settledHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
