package dev.monetize.metering.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Properties;

/** The journal's small files (meta, delivery state): read, and written atomically and durably. */
final class JournalFiles {
  private JournalFiles() {}

  static long[] positions(String csv, int count) {
    long[] out = Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    if (out.length != count) {
      throw new IllegalArgumentException("expected " + count + " positions, got " + out.length);
    }
    return out;
  }

  static String join(long[] values) {
    StringBuilder sb = new StringBuilder();
    for (long v : values) {
      sb.append(sb.length() == 0 ? "" : ",").append(v);
    }
    return sb.toString();
  }

  static Properties read(Path file) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      p.load(in);
    }
    return p;
  }

  /** Writes a small file atomically and durably: a forced temporary file renamed over it, then the directory forced. */
  static void writeDurably(Path dir, String name, Properties p) throws IOException {
    StringBuilder sb = new StringBuilder();
    p.stringPropertyNames().stream().sorted().forEach(k -> sb.append(k).append('=').append(p.getProperty(k)).append('\n'));
    Path tmp = dir.resolve(name + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(dir);
  }

  /** Forces a directory's entries (a file created or renamed in it); skipped where the file system cannot. */
  static void forceDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot open a directory for forcing; the rename is still atomic
    }
  }

  static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }
}
