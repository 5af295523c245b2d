package dev.monetize.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs failures a caller may be able to repeat at will (a request the engine fails on): every one
 * as a line with its request id (what support looks up), and its stack trace at most once a second
 * per kind (the exception's class and where it was thrown), so a flood of one failure neither fills
 * the log with stack traces nor hides another failure's.
 */
public final class FailureLog {
  /** Kinds followed apart; past them, the rest share one throttle. */
  private static final int MAX_KINDS = 256;
  private final Logger log;
  private final ConcurrentHashMap<String, LogThrottle> kinds = new ConcurrentHashMap<>();
  private final LogThrottle others = new LogThrottle(Duration.ofSeconds(1));

  /** Failures logged to {@code log}. */
  public FailureLog(Logger log) {
    this.log = log;
  }

  /**
   * Logs that {@code what} of request {@code requestId} failed with {@code cause}, logged as
   * {@code shown} (the same, with secrets taken out).
   */
  public void failed(String what, String requestId, Throwable cause, Throwable shown) {
    LogThrottle throttle = throttleOf(cause);
    if (throttle.due()) {
      log.error("{} {} failed ({} more of this kind since; its stack trace once a second at most)", what, requestId,
          throttle.heldBack(), shown);
    } else {
      log.error("{} {} failed: {} (stack trace logged before)", what, requestId, shown.toString());
    }
  }

  private LogThrottle throttleOf(Throwable cause) {
    StackTraceElement[] at = cause.getStackTrace();
    String kind = cause.getClass().getName() + (at.length == 0 ? "" : " at " + at[0]);
    LogThrottle t = kinds.get(kind);
    if (t != null) {
      return t;
    }
    return kinds.size() >= MAX_KINDS ? others : kinds.computeIfAbsent(kind, k -> new LogThrottle(Duration.ofSeconds(1)));
  }
}
