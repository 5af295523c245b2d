package dev.monetize.metering.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a journal finds in its directory when it opens: the layout it was created with (meta file)
 * and the segments earlier runs left, mapped read-only until delivered.
 */
final class JournalDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(JournalDirectory.class);
  private static final Pattern SEGMENT = Pattern.compile("usage-(\\d{2})-(\\d{12})\\.seg");
  private static final Pattern SPARE = Pattern.compile("spare-\\d+\\.seg");
  /**
   * The journal format ({@link UsageJournal}, {@link JournalRecords}; 2: names by number, tagged checks; 1 spelled the names out in every
   * record). A directory of another format is refused, never misread.
   */
  private static final int FORMAT = 2;
  private static final String META = "journal.meta";
  static final String STATE = "journal.state";

  /** An interval handed to the sink and not yet acknowledged: records of {@code [acked, end)}. */
  record Intent(Instant to, long[] end) {}

  /** Delivered up to {@code acked}, over intervals ending at {@code from}; the pending intent or null. */
  record State(Instant from, long[] acked, Intent intent) {}

  private JournalDirectory() {}

  /**
   * The segment size and stripe count of the journal in {@code dir}: those of its meta file, or
   * the ones given, written to a new meta file.
   *
   * @throws IllegalStateException when the directory holds another format
   */
  static int[] layout(Path dir, int segmentBytes, int stripes) throws IOException {
    Path meta = dir.resolve(META);
    int format = FORMAT;
    if (Files.exists(meta)) {
      Properties p = JournalFiles.read(meta);
      segmentBytes = Integer.parseInt(p.getProperty("segment_bytes"));
      stripes = Integer.parseInt(p.getProperty("stripes"));
      format = Integer.parseInt(p.getProperty("format", "0"));
      if (format != FORMAT) {
        throw new IllegalStateException("the usage journal in " + dir + " has format " + format + "; this version"
            + " reads format " + FORMAT + ": run the version that wrote it until its records are delivered");
      }
    } else {
      Properties p = new Properties();
      p.setProperty("format", Integer.toString(FORMAT));
      p.setProperty("segment_bytes", Integer.toString(segmentBytes));
      p.setProperty("stripes", Integer.toString(stripes));
      JournalFiles.writeDurably(dir, META, p);
    }
    return new int[] {segmentBytes, stripes};
  }

  /**
   * Fills {@code stripes} with the logs found in {@code dir}: each stripe holds the complete
   * segments of earlier runs and starts a new one after them and after {@code reached[stripe]}
   * (a position acknowledged or promised by a pending intent; a run that stopped before its
   * prepared segment was complete left such a position past its last file, and writing there
   * again would put new calls behind the acknowledgement, where no delivery reads them). Spares
   * and half-prepared segments of a stopped process are deleted.
   */
  static void openStripes(Path dir, int segmentBytes, long[] reached, JournalStripe[] stripes) throws IOException {
    int stripeCount = stripes.length;
    long[] maxSegment = new long[stripeCount];
    Arrays.fill(maxSegment, -1);
    List<Path> existing = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(existing::add);
    }
    for (Path p : existing) {
      if (SPARE.matcher(p.getFileName().toString()).matches()) {
        Files.delete(p); // a delivered segment kept for reuse by a process that stopped
        continue;
      }
      Matcher m = SEGMENT.matcher(p.getFileName().toString());
      if (m.matches()) {
        int s = Integer.parseInt(m.group(1));
        if (s >= stripeCount) {
          throw new IllegalStateException("usage journal " + dir + " holds " + p.getFileName()
              + " of stripe " + s + " but its meta file says " + stripeCount + " stripes; the directory is damaged");
        }
        maxSegment[s] = Math.max(maxSegment[s], Long.parseLong(m.group(2)));
      }
    }
    for (int s = 0; s < stripeCount; s++) {
      long first = Math.max(maxSegment[s] + 1, Math.floorDiv(reached[s] + segmentBytes - 1, segmentBytes));
      JournalStripe stripe = new JournalStripe(dir, s, first, segmentBytes);
      for (Path p : existing) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches() && Integer.parseInt(m.group(1)) == s) {
          long seg = Long.parseLong(m.group(2));
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            if (ch.size() == segmentBytes) {
              stripe.segments.put(seg, ch.map(FileChannel.MapMode.READ_ONLY, 0, segmentBytes));
            } else {
              // a segment is written only once complete: this one was being prepared when the process stopped
              LOG.info("usage journal segment {} has {} bytes instead of {}: it was never written to, deleted",
                  p, ch.size(), segmentBytes);
              Files.delete(p);
            }
          }
        }
      }
      stripes[s] = stripe;
    }
  }

  /** The delivery state in {@code dir}; a new journal starts at {@code now} with nothing delivered. */
  static State readState(Path dir, int stripeCount, Instant now) throws IOException {
    Path state = dir.resolve(STATE);
    if (!Files.exists(state)) {
      return new State(now, new long[stripeCount], null);
    }
    Properties p = JournalFiles.read(state);
    String to = p.getProperty("intent_to");
    return new State(Instant.parse(p.getProperty("from")), JournalFiles.positions(p.getProperty("acked"), stripeCount),
        to == null ? null : new Intent(Instant.parse(to), JournalFiles.positions(p.getProperty("intent_end"), stripeCount)));
  }

  /** Writes the delivery state atomically and durably, whatever the fsync policy. */
  static void writeState(Path dir, Instant from, long[] acked, Intent pending) {
    Properties p = new Properties();
    p.setProperty("from", from.toString());
    p.setProperty("acked", JournalFiles.join(acked));
    if (pending != null) {
      p.setProperty("intent_to", pending.to().toString());
      p.setProperty("intent_end", JournalFiles.join(pending.end()));
    }
    try {
      JournalFiles.writeDurably(dir, STATE, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the usage journal state in " + dir, e);
    }
  }
}
