package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Where audit events wait when a durable sink cannot take them (the queue is full, or the sink
 * failed): JSON lines appended to {@code audit-spill.jsonl} in a directory, delivered again later,
 * oldest first. A replay first moves the file aside ({@code audit-spill-<n>.replay}), so events
 * spilled meanwhile go to a new file; what a failed replay did not deliver is written back in place
 * of the file it read, so nothing is delivered twice. Files left by a previous run are replayed
 * after a restart. Lines are written through the operating system's cache and forced to the disk
 * when the engine closes.
 */
final class AuditSpill {
  static final String FILE = "audit-spill.jsonl";
  private static final int BATCH = 512;

  private final Path directory;
  private final Path file;
  private long replays;

  AuditSpill(Path directory) {
    this.directory = directory;
    this.file = directory.resolve(FILE);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the audit spill directory " + directory, e);
    }
  }

  /** Appends {@code events} (as they were before chaining). */
  synchronized void append(List<AuditEvent> events) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
      for (AuditEvent e : events) {
        w.write(e.unchained().json());
        w.write('\n');
      }
    }
  }

  /** Whether events wait here. */
  synchronized boolean pending() {
    return Files.exists(file) || !replayFiles().isEmpty();
  }

  /**
   * Delivers what waits here to {@code deliver}, in batches, oldest file first; stops at the first
   * batch it refuses (throws) and keeps what was not delivered.
   *
   * @return how many events were delivered
   */
  long replay(Delivery deliver) throws IOException {
    synchronized (this) {
      if (Files.exists(file)) {
        Path aside = directory.resolve("audit-spill-" + System.currentTimeMillis() + "-" + (replays++) + ".replay");
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    long delivered = 0;
    for (Path f : replayFiles()) {
      List<String> lines;
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        lines = in.lines().filter(l -> !l.isBlank()).toList();
      }
      int done = 0;
      try {
        while (done < lines.size()) {
          List<AuditEvent> batch = new ArrayList<>(BATCH);
          for (int i = done; i < Math.min(lines.size(), done + BATCH); i++) {
            batch.add(AuditEvent.parse(lines.get(i)));
          }
          deliver.accept(batch);
          done += batch.size();
          delivered += batch.size();
        }
        Files.delete(f);
      } catch (Exception e) {
        rewrite(f, lines.subList(done, lines.size()));
        throw new IOException("audit spill replay stopped after " + delivered + " events: " + e, e);
      }
    }
    return delivered;
  }

  /** Forces what was spilled to the disk. */
  synchronized void force() {
    if (Files.exists(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot force the audit spill file " + file, e);
      }
    }
  }

  private static void rewrite(Path f, List<String> rest) throws IOException {
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.write(tmp, rest, StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private TreeSet<Path> replayFiles() {
    TreeSet<Path> out = new TreeSet<>(java.util.Comparator.comparing(AuditSpill::order));
    try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "audit-spill-*.replay")) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the audit spill directory " + directory, e);
    }
    return out;
  }

  /** Files in the order they were set aside: by time, then by their number within this run. */
  private static String order(Path p) {
    String[] parts = p.getFileName().toString().replace("audit-spill-", "").replace(".replay", "").split("-");
    try {
      return String.format("%020d-%020d", Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0);
    } catch (NumberFormatException e) {
      return p.getFileName().toString(); // a name we did not give: after ours, by name
    }
  }

  /** What takes a replayed batch. */
  @FunctionalInterface
  interface Delivery {
    void accept(List<AuditEvent> batch) throws Exception;
  }
}
