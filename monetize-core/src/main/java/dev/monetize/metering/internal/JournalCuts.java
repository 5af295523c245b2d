package dev.monetize.metering.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * The quarter hours and plan changes a {@link UsageJournal} passed and has not delivered up to yet: each with the
 * positions every stripe had committed then, so what was appended before it is delivered in an
 * interval that ends there. The journal writes them to its directory as they are made
 * ({@link JournalCutLog}), so that a run that stops before delivering past them still
 * has its calls delivered on the right side of each. Not thread-safe (the meter's cut lock guards it).
 */
final class JournalCuts {
  /**
   * Where a quarter hour passed, or a plan change was cut.
   *
   * @param at the instant
   * @param end the positions committed then
   * @param counted the calls counted in memory before it, when the journal could not be written (this
   *     run's only: an earlier run's are gone with it)
   */
  record Cut(Instant at, long[] end, Aggregation counted) {
    /** Whether nothing was appended past {@code acked} or counted before it: the next interval just starts there. */
    boolean emptyAfter(long[] acked) {
      return Arrays.equals(acked, end) && counted.isEmpty();
    }
  }

  private final ArrayDeque<Cut> cuts = new ArrayDeque<>();

  /**
   * Adds a cut after the others. One with nothing before it since the last (the same positions, nothing
   * counted in memory) replaces it: the interval between the two would be empty.
   */
  void add(Cut cut) {
    Cut last = cuts.peekLast();
    if (last != null && last.counted().isEmpty() && Arrays.equals(last.end(), cut.end())) {
      cuts.pollLast();
    }
    cuts.add(cut);
  }

  int size() {
    return cuts.size();
  }

  /** The cuts not taken yet, oldest first. */
  List<Cut> pending() {
    return List.copyOf(cuts);
  }

  /** The next cut after {@code from}; null when none. */
  Cut next(Instant from) {
    while (!cuts.isEmpty()) {
      Cut c = cuts.poll();
      if (c.at().isAfter(from)) {
        return c;
      }
    }
    return null;
  }
}
