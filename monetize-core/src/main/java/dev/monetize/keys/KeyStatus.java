package dev.monetize.keys;

/** Lifecycle state of an API key. */
public enum KeyStatus {
  /** The key verifies (unless expired). */
  ACTIVE,
  /** The key was revoked and is refused with {@code key_revoked}. */
  REVOKED
}
