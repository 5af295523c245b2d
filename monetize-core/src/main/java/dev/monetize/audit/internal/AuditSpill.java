package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
 * oldest first.
 *
 * <ul>
 *   <li>A replay first moves the file aside ({@code audit-spill-<n>.replay}), so events spilled
 *       meanwhile go to a new file. It reads the file as a stream, in batches.
 *   <li>After each batch the sink took, the number of lines delivered is recorded
 *       ({@code <file>.done}, forced to the disk and moved into place). A replay stopped by a failure
 *       or a crash goes on from there: nothing is delivered twice.
 *   <li>A line that cannot be read (torn by a crash mid-write) goes to
 *       {@code audit-spill-unreadable.jsonl} and is counted; it never blocks the lines after it.
 *   <li>Appends start on a new line, so a torn line never swallows the next event.
 *   <li>The spill holds at most {@code maxBytes}; past that, {@link #append} refuses and the caller
 *       delivers on its own thread.
 *   <li>Files left by a previous run are replayed after a restart.
 * </ul>
 */
final class AuditSpill {
  static final String FILE = "audit-spill.jsonl";
  static final String UNREADABLE = "audit-spill-unreadable.jsonl";
  private static final int BATCH = 512;

  private final Path directory;
  private final Path file;
  private final long maxBytes;
  private long replays;
  private long unreadable;

  AuditSpill(Path directory, long maxBytes) {
    this.directory = directory;
    this.file = directory.resolve(FILE);
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the audit spill directory " + directory, e);
    }
  }

  AuditSpill(Path directory) {
    this(directory, 1L << 30);
  }

  /**
   * Appends {@code events} (as they were before chaining); false when the spill is full
   * ({@code maxBytes}), and nothing was written.
   */
  synchronized boolean append(List<AuditEvent> events) throws IOException {
    StringBuilder text = new StringBuilder(events.size() * 512);
    for (AuditEvent e : events) {
      text.append(e.unchained().json()).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      long size = ch.size();
      if (size + bytes.length > maxBytes || spilledBytes() + bytes.length > maxBytes) {
        return false;
      }
      ch.position(size);
      if (size > 0 && !endsWithNewline(ch, size)) {
        ch.write(ByteBuffer.wrap(new byte[] {'\n'})); // a torn last line stays on its own line
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
    return true;
  }

  private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    ch.read(last, size - 1);
    return last.get(0) == '\n';
  }

  private long spilledBytes() throws IOException {
    long n = 0;
    for (Path f : replayFiles()) {
      n += Files.size(f);
    }
    return n;
  }

  /** Whether events wait here. */
  synchronized boolean pending() {
    return Files.exists(file) || !replayFiles().isEmpty();
  }

  /** Lines that could not be read, set aside since this process started. */
  long unreadable() {
    return unreadable;
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
      Path done = f.resolveSibling(f.getFileName() + ".done");
      long skip = Files.exists(done) ? Long.parseLong(Files.readString(done).strip()) : 0;
      long line = 0;
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        String text;
        while ((text = in.readLine()) != null) {
          line++;
          if (line <= skip || text.isBlank()) {
            continue;
          }
          try {
            batch.add(AuditEvent.parse(text));
          } catch (IllegalArgumentException e) {
            setAside(text);
            continue;
          }
          if (batch.size() == BATCH) {
            delivered += send(deliver, batch, done, line);
            batch = new ArrayList<>(BATCH);
          }
        }
        if (!batch.isEmpty()) {
          delivered += send(deliver, batch, done, line);
        }
      }
      Files.delete(f);
      Files.deleteIfExists(done);
    }
    return delivered;
  }

  /** Hands {@code batch} over, then records that the file's lines up to {@code line} are delivered. */
  private static int send(Delivery deliver, List<AuditEvent> batch, Path done, long line) throws IOException {
    try {
      deliver.accept(batch);
    } catch (Exception e) {
      throw new IOException("audit spill replay stopped: " + e, e);
    }
    Path tmp = done.resolveSibling(done.getFileName() + ".tmp");
    Files.writeString(tmp, Long.toString(line));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return batch.size();
  }

  private synchronized void setAside(String text) throws IOException {
    unreadable++;
    Files.writeString(directory.resolve(UNREADABLE), text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Forces what was spilled to the disk (the delivery thread does, once a second). */
  synchronized void force() {
    if (Files.exists(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot force the audit spill file " + file, e);
      }
    }
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
