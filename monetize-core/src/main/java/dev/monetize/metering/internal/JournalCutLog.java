package dev.monetize.metering.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's cuts on disk ({@code journal.cuts}): one line per cut, {@code <instant> <positions> <check>}
 * (the check is the CRC32C of what precedes it, in hex),
 * appended when the cut is made, before any call after it is journaled, so that a run killed before
 * its next delivery still has each call delivered on its side of every quarter hour and plan change.
 * An append is one write (tens of microseconds), forced as the calls are: at once when each call is,
 * else by the journal's periodic force. The file is rewritten with only the cuts not delivered past
 * once it holds many more lines than that. Lines of cuts already delivered past are skipped on
 * reading; a torn or damaged line is skipped and logged (the cut is lost, never a call).
 * Thread-safe.
 */
final class JournalCutLog {
  private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
  static final String FILE = "journal.cuts";

  private final Path dir;
  private final boolean forceEach;
  private FileChannel ch; // null once closed, or when the file could not be opened
  private int lines;
  private boolean unforced;
  private long lastWarning = System.nanoTime() - 10_000_000_000L;

  private JournalCutLog(Path dir, boolean forceEach, int lines) {
    this.dir = dir;
    this.forceEach = forceEach;
    this.lines = lines;
    this.ch = openForAppending();
  }

  /**
   * Reads what earlier runs left into {@code into} (oldest first; none more than an hour after {@code now},
   * which no clock step explains) and opens the file for this run's cuts.
   */
  static JournalCutLog open(Path dir, int stripes, boolean forceEach, Instant now, List<JournalCuts.Cut> into) {
    Path file = dir.resolve(FILE);
    int lines = 0;
    if (Files.exists(file)) {
      try {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        if (!text.isEmpty() && !text.endsWith("\n")) { // a torn last line: cut off, or the next one is glued to it
          LOG.warn("usage journal {}: the last line of {} is torn (the process or the machine stopped while "
              + "writing it) and cut off: calls around that cut may be delivered in the interval before it", dir, FILE);
          try (FileChannel t = FileChannel.open(file, StandardOpenOption.WRITE)) {
            t.truncate(text.lastIndexOf('\n') + 1);
            t.force(false);
          }
        }
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) { // a last line without one is torn
          String line = text.substring(start, nl > start && text.charAt(nl - 1) == '\r' ? nl - 1 : nl);
          start = nl + 1;
          lines++;
          JournalCuts.Cut cut = parse(line, stripes);
          if (cut == null) {
            LOG.error("usage journal {}: line {} of {} is damaged and skipped: calls around that cut may be "
                + "delivered in the interval before it", dir, lines, FILE);
          } else if (cut.at().isAfter(now.plus(java.time.Duration.ofHours(1)))) { // a clock stepped back: kept
            LOG.warn("usage journal {}: line {} of {} is a cut at {}, more than an hour after now ({}), and is "
                + "skipped", dir, lines, FILE, cut.at(), now);
          } else {
            into.add(cut);
          }
        }
      } catch (IOException e) {
        LOG.error("usage journal {}: {} cannot be read ({}); the calls earlier runs left are delivered in one "
            + "interval, whatever quarter hours or plan changes fell in it", dir, FILE, e.toString());
      }
    }
    return new JournalCutLog(dir, forceEach, lines);
  }

  /** Appends a cut; a failure is logged (the cut then holds in memory only). */
  synchronized void append(JournalCuts.Cut cut) {
    if (ch == null) {
      return;
    }
    boolean interrupted = Thread.interrupted(); // an interrupted caller would close the channel for good
    try {
      if (!ch.isOpen()) { // closed by an interrupt that came while writing
        ch = openForAppending();
        if (ch == null) {
          return;
        }
      }
      write(ch, List.of(cut));
      lines++;
      if (forceEach) {
        ch.force(false);
      } else {
        unforced = true;
      }
    } catch (IOException e) {
      warn("the cut at " + cut.at() + " cannot be written (" + e + "); should the process stop before the next "
          + "delivery, the calls after it are delivered in the interval before it");
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Rewrites the file with the cuts still {@code pending} once it holds more than twice as many lines (and 64 more). */
  synchronized void compact(JournalCuts pending) {
    if (ch == null || lines <= 2 * pending.size() + 64) {
      return;
    }
    List<JournalCuts.Cut> cuts = pending.pending();
    Path tmp = dir.resolve(FILE + ".tmp");
    try {
      try (FileChannel t = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        write(t, cuts);
        t.force(false);
      }
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      JournalFiles.forceDirectory(dir);
      JournalFiles.closeQuietly(ch);
      lines = cuts.size();
      unforced = false;
      ch = openForAppending();
    } catch (IOException e) {
      warn("its cuts cannot be rewritten (" + e + "); the file keeps growing until they can");
    }
  }

  /** Forces what was appended since the last force (the journal's periodic force). */
  synchronized void force() throws IOException {
    if (ch != null && unforced) {
      ch.force(false);
      unforced = false;
    }
  }

  /** Stops writing (a next process may open the directory from now on). */
  synchronized void close() {
    JournalFiles.closeQuietly(ch);
    ch = null;
  }

  private FileChannel openForAppending() {
    try {
      FileChannel c = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      JournalFiles.forceDirectory(dir); // the file exists after a power failure
      return c;
    } catch (IOException e) {
      warn(FILE + " cannot be opened (" + e + "); cuts hold in memory only: after a crash, calls around them may "
          + "be delivered in the interval before them");
      return null;
    }
  }

  /** The cut a line holds, or null when it is damaged (its check fails, or it does not parse). */
  private static JournalCuts.Cut parse(String line, int stripes) {
    int last = line.lastIndexOf(' ');
    int first = line.indexOf(' ');
    if (first <= 0 || last <= first || !line.substring(last + 1).equals(check(line.substring(0, last)))) {
      return null;
    }
    try {
      return new JournalCuts.Cut(Instant.parse(line.substring(0, first)),
          JournalFiles.positions(line.substring(first + 1, last), stripes), new Aggregation());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String check(String text) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(text.getBytes(StandardCharsets.ISO_8859_1));
    return Long.toHexString(crc.getValue());
  }

  private static void write(FileChannel to, List<JournalCuts.Cut> cuts) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (JournalCuts.Cut c : cuts) {
      String text = c.at() + " " + JournalFiles.join(c.end());
      sb.append(text).append(' ').append(check(text)).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    while (bytes.hasRemaining()) {
      to.write(bytes);
    }
  }

  private void warn(String what) { // holding this
    if (System.nanoTime() - lastWarning >= 10_000_000_000L) {
      lastWarning = System.nanoTime();
      LOG.warn("usage journal {}: {} (said once every 10 s)", dir, what);
    }
  }
}
