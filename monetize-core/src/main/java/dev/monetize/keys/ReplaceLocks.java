package dev.monetize.keys;

/**
 * The locks {@link KeyStore#replace}'s default holds while it reads, compares and saves a key: one of
 * 256 per key id, shared by every store of the process, so that two replacements of one key through
 * any stores of this JVM never both land. Other processes are not held back (a shared store overrides
 * {@code replace} with one conditional write).
 */
final class ReplaceLocks {
  private static final Object[] STRIPES = new Object[256];

  static {
    for (int i = 0; i < STRIPES.length; i++) {
      STRIPES[i] = new Object();
    }
  }

  private ReplaceLocks() {}

  /** The lock of key {@code id} (or of what a prefix names: {@code organization:<id>}). */
  static Object of(String id) {
    int h = id.hashCode();
    return STRIPES[(h ^ (h >>> 16)) & (STRIPES.length - 1)];
  }

  /**
   * Under the lock of organization {@code organizationId}: runs {@code save} if {@code room} says there
   * is room; whether it did.
   */
  static boolean within(String organizationId, java.util.function.BooleanSupplier room, Runnable save) {
    synchronized (of("organization:" + organizationId)) {
      if (!room.getAsBoolean()) {
        return false;
      }
      save.run();
      return true;
    }
  }
}
