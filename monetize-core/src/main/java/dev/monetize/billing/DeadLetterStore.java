package dev.monetize.billing;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * SPI: where usage events a billing provider did not take are kept until they are replayed. A
 * batch is acknowledged to the usage journal only once each of its events is delivered or kept
 * here, so an event is never lost: a store that cannot keep it throws, and the journal delivers the
 * batch again (event ids make that harmless).
 *
 * <pre>{@code
 * DeadLetterStore dead = DeadLetterStore.inDirectory(Path.of("/var/lib/monetize/dead-letters"));
 * }</pre>
 */
public interface DeadLetterStore {
  /** Keeps {@code letters} durably (an id kept already is replaced); throws when it cannot. */
  void add(List<UsageExport.DeadLetter> letters);

  /** The letters kept, oldest first, at most {@code limit}. */
  List<UsageExport.DeadLetter> list(int limit);

  /** Forgets the letters of these event ids (delivered at last). */
  void remove(Collection<String> ids);

  /**
   * Forgets {@code removed} and keeps {@code added} as one change where the store can (a replay's
   * delivered letters and its still-dead ones: a full store takes it when the removals make room);
   * by default {@link #add} then {@link #remove}, so that a failure never loses a letter.
   */
  default void replace(Collection<String> removed, List<UsageExport.DeadLetter> added) {
    if (!added.isEmpty()) {
      add(added);
    }
    if (!removed.isEmpty()) {
      remove(removed);
    }
  }

  /** Kept in this JVM only (lost on restart): for tests and trials. */
  static DeadLetterStore inMemory() {
    return new dev.monetize.billing.internal.FileDeadLetters(null);
  }

  /**
   * Kept in {@code directory} (created if missing; the usage journal's directory is a good home),
   * in one file written whole and moved into place atomically, forced to the disk.
   */
  static DeadLetterStore inDirectory(Path directory) {
    return new dev.monetize.billing.internal.FileDeadLetters(directory);
  }
}
