package dev.monetize.billing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.DeadLetterStore;
import dev.monetize.billing.UsageExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters in one JSON-lines file ({@code dead-letters.jsonl}). Every change takes an
 * exclusive lock on {@code dead-letters.lock} (so the service and the CLI's {@code replay} can work
 * on one directory at once), reads the file, and writes it whole through a temporary file that is
 * forced to the disk and moved into place atomically, so a crash leaves the old file or the new one.
 * Without a directory, in memory only. Dead letters are few (a provider's outage), so rewriting is
 * cheap; a store holds at most {@link #MAX_LETTERS}: past that, adding throws, and the usage journal
 * keeps the batch (on its own disk, as it keeps any batch a sink refused) until letters are replayed.
 * Stores of one directory in one process take turns (a file lock is the process's, not a thread's;
 * the turns are this class's, so two applications in one container with a class each must not share
 * a directory).
 */
public final class FileDeadLetters implements DeadLetterStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "dead-letters.jsonl";

  /** The most letters a store holds (each file rewrite reads and writes them all). */
  public static final int MAX_LETTERS = 50_000;
  /** One monitor per file for the stores of this process: the file lock keeps other processes out only. */
  private static final java.util.concurrent.ConcurrentHashMap<Path, Object> IN_PROCESS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Path file;
  /** The letters, when in memory only. */
  private final Map<String, UsageExport.DeadLetter> memory = new LinkedHashMap<>();

  /** A store in {@code directory}, or in memory when it is null. */
  public FileDeadLetters(Path directory) {
    this.file = directory == null ? null : directory.resolve(FILE);
  }

  @Override
  public synchronized void add(List<UsageExport.DeadLetter> added) {
    change(letters -> added.forEach(d -> letters.put(d.id(), d)));
  }

  /** Reads without the lock and writes nothing: the file only ever changes by an atomic move. */
  @Override
  public synchronized List<UsageExport.DeadLetter> list(int limit) {
    try {
      return (file == null ? memory : read()).values().stream().limit(limit).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dead letters in " + file.getParent(), e);
    }
  }

  @Override
  public synchronized void remove(Collection<String> ids) {
    change(letters -> letters.keySet().removeAll(ids));
  }

  @Override
  public synchronized void replace(Collection<String> removed, List<UsageExport.DeadLetter> added) {
    change(letters -> {
      letters.keySet().removeAll(removed);
      added.forEach(d -> letters.put(d.id(), d));
    });
  }

  /** Reads the letters under the lock, lets {@code edit} change them, writes them back if it did. */
  private void change(java.util.function.Consumer<Map<String, UsageExport.DeadLetter>> edit) {
    if (file == null) {
      Map<String, UsageExport.DeadLetter> edited = new LinkedHashMap<>(memory);
      edit.accept(edited);
      refuseOverflow(memory.size(), edited.size());
      memory.clear();
      memory.putAll(edited);
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Object turn = IN_PROCESS.computeIfAbsent(file.getParent().toRealPath().resolve(FILE), p -> new Object());
      synchronized (turn) {
        try (FileChannel lock = FileChannel.open(file.resolveSibling("dead-letters.lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE); java.nio.channels.FileLock held = lock.lock()) {
          assert held.isValid();
          Map<String, UsageExport.DeadLetter> letters = read();
          Map<String, UsageExport.DeadLetter> before = new LinkedHashMap<>(letters);
          edit.accept(letters);
          refuseOverflow(before.size(), letters.size());
          if (!letters.equals(before)) {
            write(letters);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep dead letters in " + file.getParent(), e);
    }
  }

  /** Refuses a change that would leave more than {@link #MAX_LETTERS} (one that removes some always passes). */
  private void refuseOverflow(int before, int after) {
    if (after > MAX_LETTERS && after > before) {
      throw new UncheckedIOException(new IOException("the dead-letter store " + (file == null ? "in memory"
          : "in " + file.getParent()) + " is full (" + MAX_LETTERS + " letters): replay them, or fix the provider; "
          + "the usage journal keeps the batch meanwhile"));
    }
  }

  private Map<String, UsageExport.DeadLetter> read() throws IOException {
    Map<String, UsageExport.DeadLetter> letters = new LinkedHashMap<>();
    if (Files.exists(file)) {
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        number++;
        if (!line.isBlank()) {
          UsageExport.DeadLetter d = letter(line, number);
          if (letters.putIfAbsent(d.id(), d) != null) {
            throw new IOException(FILE + " line " + number + ": a second letter with id " + d.id());
          }
        }
      }
    }
    return letters;
  }

  /**
   * The letter on line {@code number}: an object with a non-blank text {@code id}, a text
   * {@code event} and, if any, a text {@code reason}. Anything else is refused whole (a file edited by
   * hand is never read as letters it does not hold, nor rewritten without its lines).
   */
  private static UsageExport.DeadLetter letter(String line, int number) throws IOException {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(FILE + " line " + number + ": not JSON (" + e.getOriginalMessage() + ")");
    }
    if (n == null || !n.isObject() || !n.path("id").isTextual() || n.path("id").asText().isBlank()
        || !n.path("event").isTextual() || !(n.path("reason").isMissingNode() || n.path("reason").isTextual())) {
      throw new IOException(FILE + " line " + number
          + ": not a dead letter (an object with the texts \"id\", \"event\" and \"reason\" is expected)");
    }
    return new UsageExport.DeadLetter(n.get("id").asText(), n.get("event").asText(), n.path("reason").asText());
  }

  private void write(Map<String, UsageExport.DeadLetter> letters) throws IOException {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    List<String> lines = new ArrayList<>();
    for (UsageExport.DeadLetter d : letters.values()) {
      ObjectNode n = JSON.createObjectNode().put("id", d.id()).put("event", d.event()).put("reason", d.reason());
      lines.add(JSON.writeValueAsString(n));
    }
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
