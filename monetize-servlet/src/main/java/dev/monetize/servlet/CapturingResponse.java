package dev.monetize.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Holds back the body of an answer the response cache may store: what the application writes is
 * buffered (up to {@link #LIMIT}), so the filter can store it, add the entry's {@code ETag}, and
 * send it (or a {@code 304}) afterwards. Past the limit, or when the request goes asynchronous, it
 * passes everything through and nothing is stored. When a stale answer can stand in for a failure,
 * a {@code sendError} of 500 or more is held back too. The application's headers go straight to the
 * response; its {@code Content-Length} is replaced by the buffered body's.
 */
final class CapturingResponse extends HttpServletResponseWrapper {
  /** The largest body held back; a larger one is streamed and not cached. */
  static final int LIMIT = 1 << 20;

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private boolean passing;
  private long declaredLength = -1;
  private final BodyAccess access = new BodyAccess(HoldingStream::new);

  private final boolean holdServerErrors;
  private boolean errorSent;
  private int heldError;

  /**
   * @param holdServerErrors whether a {@code sendError} of 500 or more is held back too (a stale
   *     answer will be sent instead: {@link #heldError()})
   */
  CapturingResponse(HttpServletResponse response, boolean holdServerErrors) {
    super(response);
    this.holdServerErrors = holdServerErrors;
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    if (holdServerErrors && sc >= 500 && !passing) {
      heldError = sc;
      return;
    }
    errorSent = true;
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    sendError(sc, null);
  }

  /** The status of a server error the application sent and this response held back; 0 when none. */
  int heldError() {
    return heldError;
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    errorSent = true;
    super.sendRedirect(location);
  }

  /** Whether the application answered with {@code sendError} or {@code sendRedirect} (the container writes it). */
  boolean errorSent() {
    return errorSent;
  }

  /** Whether the body is still held back (nothing sent yet). */
  boolean capturing() {
    return !passing;
  }

  /** The body held back. */
  byte[] body() {
    access.flushWriter();
    return buffer.toByteArray();
  }

  /** Sends what was held back and everything after it straight through (nothing will be stored). */
  void passThrough() throws IOException {
    access.flushWriter(); // what the writer holds goes into the stream first (which may switch by itself)
    switchToPassing();
  }

  private void switchToPassing() throws IOException {
    if (passing) {
      return;
    }
    passing = true;
    if (declaredLength >= 0 && !isCommitted()) {
      super.setContentLengthLong(declaredLength); // the application's framing, held back until now
    }
    if (buffer.size() > 0) {
      super.getOutputStream().write(buffer.toByteArray());
      buffer.reset();
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    return access.stream();
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    return access.writer(getCharacterEncoding());
  }

  /**
   * The length the application declared for the body it held back, -1 when none (or unreadable):
   * an answer whose bytes fall short of it (or pass it) is broken, and never stored.
   */
  long declaredLength() {
    return declaredLength;
  }

  @Override
  public void setContentLength(int len) {
    setContentLengthLong(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    if (passing) {
      super.setContentLengthLong(len);
    } else {
      declaredLength = len;
    }
  }

  /** Whether {@code name} is the length held back with the body (kept as declared, not set yet). */
  private boolean heldLength(String name) {
    return !passing && "Content-Length".equalsIgnoreCase(name);
  }

  @Override
  public void setHeader(String name, String value) {
    if (heldLength(name)) {
      declaredLength = parsedLength(value);
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if (heldLength(name)) {
      declaredLength = parsedLength(value);
    } else {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if (heldLength(name)) {
      declaredLength = value;
    } else {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if (heldLength(name)) {
      declaredLength = value;
    } else {
      super.addIntHeader(name, value);
    }
  }

  private static long parsedLength(String value) {
    try {
      return value == null ? -1 : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void flushBuffer() throws IOException {
    if (passing) {
      super.flushBuffer();
    } else {
      access.flushWriter();
    }
  }

  @Override
  public boolean isCommitted() {
    return passing && super.isCommitted();
  }

  @Override
  public void resetBuffer() {
    if (!passing) {
      buffer.reset();
    }
    super.resetBuffer();
  }

  @Override
  public void reset() {
    if (!passing) {
      buffer.reset();
      declaredLength = -1; // the headers go with it
    }
    super.reset();
  }

  private final class HoldingStream extends ServletOutputStream {
    private ServletOutputStream through() throws IOException {
      return CapturingResponse.super.getOutputStream();
    }

    @Override
    public void write(int b) throws IOException {
      if (!passing && buffer.size() + 1 > LIMIT) {
        switchToPassing();
      }
      if (passing) {
        through().write(b);
      } else {
        buffer.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!passing && buffer.size() + len > LIMIT) {
        switchToPassing();
      }
      if (passing) {
        through().write(b, off, len);
      } else {
        buffer.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (passing) {
        through().flush();
      }
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      throw new IllegalStateException("a cached operation's answer is written blocking (or made asynchronous, "
          + "which is not cached)");
    }
  }
}
