package dev.monetize.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A body stream that compresses with gzip when the body turns out larger than
 * {@link Compression#THRESHOLD}: the first bytes are held back until then, and the adapter's
 * {@link Choice} decides once, while the headers can still change. A body that ends below the
 * threshold, or that the choice declines, goes out as written. Both adapters answer through it.
 *
 * <pre>{@code
 * OutputStream body = new CompressingStream(new CompressingStream.Choice() { ... });
 * }</pre>
 * Not thread-safe: one response.
 */
public final class CompressingStream extends OutputStream {
  /** The adapter's side: what the response is, and its headers and stream. */
  public interface Choice {
    /**
     * Whether the answer may be compressed now (a type that compresses, no encoding of the
     * application's own, a status with a body, headers not yet sent); when it returns true the
     * adapter has set {@code Content-Encoding: gzip}, {@code Vary} and the gzip {@code ETag}.
     */
    boolean compress() throws IOException;

    /** Whether flushing may wait for more bytes (a type that compresses); otherwise a flush sends what is held. */
    boolean holdOnFlush();

    /** The stream below, once chosen (called once; {@code compressed}: after {@link #compress()} said yes). */
    OutputStream below(boolean compressed) throws IOException;
  }

  private final Choice choice;
  private final ByteArrayOutputStream held = new ByteArrayOutputStream(Compression.THRESHOLD);
  private OutputStream decided;
  private Gzip gzip;
  private OutputStream below;

  /** gzip whose native deflater is released as soon as the body ends, not when it is collected. */
  private static final class Gzip extends GZIPOutputStream {
    Gzip(OutputStream out) throws IOException {
      super(out, 8192, true);
    }

    void release() {
      def.end();
    }
  }
  private boolean finished;

  /** A stream that asks {@code choice} once the body is past the threshold, or ends. */
  public CompressingStream(Choice choice) {
    this.choice = choice;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (decided == null) {
      if (held.size() + len <= Compression.THRESHOLD) {
        held.write(b, off, len);
        return;
      }
      decide(true);
    }
    decided.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    if (decided == null && !choice.holdOnFlush()) {
      decide(false);
    }
    if (decided != null) {
      decided.flush();
    }
  }

  /** Whether the body is going out compressed (false while undecided). */
  public boolean compressing() {
    return gzip != null;
  }

  /** Whether the choice is still open (nothing went below yet). */
  public boolean undecided() {
    return decided == null;
  }

  /** Sends what is held as it is, and everything after it; nothing is compressed any more. */
  public void identity() throws IOException {
    if (decided == null) {
      decide(false);
    }
  }

  /**
   * Sends what is still held back and ends the gzip stream, without closing the stream below; when
   * nothing was written at all, the stream below is never opened.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    if (decided == null && held.size() == 0) {
      decided = OutputStream.nullOutputStream(); // nothing was written: nothing below to open
      return;
    }
    if (decided == null) {
      decide(false);
    }
    if (gzip != null) {
      try {
        gzip.finish();
      } finally {
        gzip.release();
      }
    }
  }

  /** Forgets what is held back so far (the application reset its answer); writing goes on. */
  public void resetHeld() {
    if (decided == null) {
      held.reset();
    }
  }

  /** Forgets what is held back and what comes after: the adapter answers a failure itself. */
  public void discard() {
    if (gzip != null && !finished) {
      gzip.release();
    }
    held.reset();
    finished = true;
    decided = OutputStream.nullOutputStream();
  }

  @Override
  public void close() throws IOException {
    finish();
    (gzip != null ? below : decided).close(); // the gzip stream's deflater is released: close what is under it
  }

  private void decide(boolean more) throws IOException {
    boolean compress = more && choice.compress();
    below = choice.below(compress);
    if (compress) {
      gzip = new Gzip(below);
      decided = gzip;
    } else {
      decided = below;
    }
    if (held.size() > 0) {
      decided.write(held.toByteArray());
      held.reset();
    }
  }
}
