package dev.monetize.limits.internal;

/**
 * The GCRA arithmetic, in integer nanoseconds, exactly as the reference in our standards page:
 * <pre>
 * new_tat  = max(tat, now) + n * T
 * allow_at = new_tat - tau          deny if now &lt; allow_at (retry after allow_at - now)
 * remaining = floor((tau - (new_tat - now)) / T), reset = new_tat - now
 * </pre>
 * Pure functions so that stores (in-memory, Lua) and property tests share one definition.
 */
public final class Gcra {
  private Gcra() {}

  /** The theoretical arrival time after admitting {@code cost} units, before the allow check. */
  public static long newTat(long tat, long now, long emission, long cost) {
    return Math.max(tat, now) + cost * emission;
  }

  /** Whether {@code cost} units are admitted now. */
  public static boolean admits(long tat, long now, long emission, long tolerance, long cost) {
    return now >= newTat(tat, now, emission, cost) - tolerance;
  }

  /** How long until {@code cost} units would be admitted (0 if now). */
  public static long retryAfter(long tat, long now, long emission, long tolerance, long cost) {
    return Math.max(0, newTat(tat, now, emission, cost) - tolerance - now);
  }

  /** Units that would be admitted right now for state {@code tat}. */
  public static long remaining(long tat, long now, long emission, long tolerance) {
    long backlog = Math.max(tat, now) - now;
    return Math.max(0, (tolerance - backlog) / emission);
  }

  /** Nanoseconds until the state {@code tat} is fully replenished. */
  public static long reset(long tat, long now) {
    return Math.max(0, tat - now);
  }
}
