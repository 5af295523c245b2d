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
   * Adds a cut after the others. When neither holds calls counted in memory and nothing was appended
   * between them (the same positions), it replaces the last: the interval between the two would be empty.
   */
  void add(Cut cut) {
    Cut last = cuts.peekLast();
    if (last != null && last.counted().isEmpty() && cut.counted().isEmpty() && Arrays.equals(last.end(), cut.end())) {
      cuts.pollLast();
    }
    cuts.add(cut);
  }

  /** Whether every position of {@code end} is at or past {@code positions}'. */
  static boolean covers(long[] end, long[] positions) {
    for (int i = 0; i < end.length; i++) {
      if (end[i] < positions[i]) {
        return false;
      }
    }
    return true;
  }

  int size() {
    return cuts.size();
  }

  /** The cuts not taken yet, oldest first. */
  List<Cut> pending() {
    return List.copyOf(cuts);
  }

  /**
   * The next cut after {@code from}, left in place until {@link #remove}d; null when none. Cuts at or
   * before {@code from} (a clock set back, or a call recorded after a delivery that passed its quarter
   * hour) are dropped, unless they hold calls counted in memory: those are delivered right after
   * {@code from} instead of being lost.
   */
  Cut next(Instant from) {
    while (!cuts.isEmpty()) {
      Cut c = cuts.peek();
      if (c.at().isAfter(from)) {
        return c;
      }
      cuts.poll();
      if (!c.counted().isEmpty()) {
        Cut late = new Cut(from.plusNanos(1), c.end(), c.counted());
        cuts.addFirst(late);
        return late;
      }
    }
    return null;
  }

  /** Removes {@code cut}, the one {@link #next} returned. */
  void remove(Cut cut) {
    if (cuts.peek() == cut) {
      cuts.poll();
    }
  }
}
