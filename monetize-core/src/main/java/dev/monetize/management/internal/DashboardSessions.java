package dev.monetize.management.internal;

import dev.monetize.Decision;
import dev.monetize.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The dashboard's sign-in sessions: a key is exchanged once for a random session secret, which the
 * browser keeps in an HttpOnly cookie; the key itself is never kept. A session remembers which key
 * and which of its secrets opened it (never a secret), and every request resolves it again to that
 * key's principal as it stands now: a revoked, expired or rotated-out key ends its sessions at once.
 */
public interface DashboardSessions {
  /** A session ends after this long without a request. */
  Duration IDLE = Duration.ofMinutes(20);
  /** A session ends this long after sign-in, however busy. */
  Duration MAXIMUM = Duration.ofHours(4);
  /** The cookie that carries the session secret. */
  String COOKIE = "monetize_session";

  /**
   * Opens a session acting as {@code principal}; empty when its credential cannot open one (a
   * token: sessions are opened with a key, or the operator credential).
   *
   * @throws Full when the store holds as many sessions as it keeps (the operator's still open)
   */
  Optional<Opened> open(Principal principal);

  /** The store holds as many sessions as it keeps: a sign-in waits until some end. */
  final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The store is full. */
    public Full() {
      super("the dashboard's session store is full", null, false, false);
    }
  }

  /**
   * The principal of the session whose secret is {@code secret}, now: refused with
   * {@code session_expired} when no such session is open, or with the key's own refusal when the
   * key no longer works.
   */
  Decision resume(String secret);

  /**
   * Whether a session with this secret is open now, asked without touching it (its idle time runs
   * on) or ending it: what the management API asks before it reads a body, {@link #resume} deciding
   * afterwards.
   */
  boolean open(String secret);

  /** Ends the session whose secret is {@code secret} (nothing when none is open). */
  void close(String secret);

  /**
   * A session just opened.
   *
   * @param secret what the cookie carries (shown once, kept only as a digest)
   * @param expiresAt when it ends at the latest
   */
  record Opened(String secret, Instant expiresAt) {}
}
