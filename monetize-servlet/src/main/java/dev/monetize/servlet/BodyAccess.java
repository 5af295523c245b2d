package dev.monetize.servlet;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;

/**
 * The one body of a response wrapper, reached either as a stream or as a writer over it, never
 * both (the servlet contract), made on first use.
 */
final class BodyAccess {
  /** Makes the wrapper's stream. */
  @FunctionalInterface
  interface Maker {
    ServletOutputStream make() throws IOException;
  }

  private final Maker maker;
  private ServletOutputStream stream;
  private PrintWriter writer;

  BodyAccess(Maker maker) {
    this.maker = maker;
  }

  /** The stream; refused after {@link #writer}. */
  ServletOutputStream stream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called on this response");
    }
    if (stream == null) {
      stream = maker.make();
    }
    return stream;
  }

  /** A writer in {@code encoding} over the stream; refused after {@link #stream}. */
  PrintWriter writer(String encoding) throws IOException {
    if (writer == null) {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() was already called on this response");
      }
      stream = maker.make();
      writer = new PrintWriter(new OutputStreamWriter(stream, MeteredResponse.charset(encoding)), false);
    }
    return writer;
  }

  /** Pushes what the writer buffers into the stream, if there is a writer. */
  void flushWriter() {
    if (writer != null) {
      writer.flush();
    }
  }

  /** Whether a writer was asked for. */
  boolean hasWriter() {
    return writer != null;
  }
}
