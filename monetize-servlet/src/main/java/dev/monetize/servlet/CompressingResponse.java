package dev.monetize.servlet;

import dev.monetize.http.Compression;
import dev.monetize.http.CompressingStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * Compresses the answer with gzip for a client that takes it ({@link Compression},
 * {@link CompressingStream}): past {@link Compression#THRESHOLD} bytes, an answer of a type that
 * compresses and without an encoding of the application's own goes out with
 * {@code Content-Encoding: gzip}, {@code Vary: Accept-Encoding} and its {@code ETag} marked as the
 * gzip form's, without the application's {@code Content-Length}; anything else goes out as
 * written. The response below (the metered one) counts the bytes on the wire.
 */
final class CompressingResponse extends HttpServletResponseWrapper {
  private final CompressingStream.Choice choice = new CompressingStream.Choice() {
    @Override
    public boolean compress() {
      int status = getStatus();
      if (status == 204 || status == 206 || status == 304 || isCommitted() || getHeader("Content-Encoding") != null
          || getHeader("Content-Range") != null || !Compression.compressible(getContentType())
          || Compression.sensitive(getHeader("Set-Cookie"), getHeader("Cache-Control"))) {
        return false;
      }
      CompressingResponse.super.setHeader("Content-Encoding", Compression.GZIP);
      CompressingResponse.super.setHeader("Vary", Compression.varyWithAcceptEncoding(getHeader("Vary")));
      etag = getHeader("ETag");
      if (etag != null) {
        CompressingResponse.super.setHeader("ETag", Compression.gzipEtag(etag));
      }
      return true;
    }

    @Override
    public boolean holdOnFlush() {
      return Compression.compressible(getContentType());
    }

    @Override
    public OutputStream below(boolean compressed) throws IOException {
      if (!compressed && contentLength >= 0) {
        CompressingResponse.super.setContentLengthLong(contentLength);
      }
      return CompressingResponse.super.getOutputStream();
    }
  };
  private CompressingStream body = new CompressingStream(choice);
  /** The application's ETag, before it was marked as the gzip form's. */
  private String etag;
  private long contentLength = -1;
  private final BodyAccess access = new BodyAccess(Stream::new);

  CompressingResponse(HttpServletResponse response) {
    super(response);
  }

  @Override
  public void setContentLength(int len) {
    setContentLengthLong(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    if (body.undecided()) {
      contentLength = len;
    } else if (!body.compressing()) {
      super.setContentLengthLong(len);
    }
  }

  @Override
  public void setHeader(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name)) {
      setContentLengthLong(value == null ? -1 : parse(value));
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name)) {
      setContentLengthLong(value == null ? -1 : parse(value));
    } else {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    setHeader(name, Integer.toString(value));
  }

  @Override
  public void addIntHeader(String name, int value) {
    addHeader(name, Integer.toString(value));
  }

  private static long parse(String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -1;
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

  @Override
  public void flushBuffer() throws IOException {
    access.flushWriter();
    body.flush();
    if (!body.undecided()) {
      super.flushBuffer();
    }
  }

  @Override
  public void resetBuffer() {
    drainWriter(); // what the writer still buffers belongs to the answer being reset
    super.resetBuffer();
    restart();
  }

  /** Pushes the writer's buffered characters into the body without flushing the response (which would commit it). */
  private void drainWriter() {
    if (access.hasWriter()) {
      quiet = true;
      try {
        access.flushWriter();
      } finally {
        quiet = false;
      }
    }
  }

  private boolean quiet;

  @Override
  public void reset() {
    drainWriter();
    super.reset(); // the headers go too: the application starts its answer over
    etag = null;
    contentLength = -1;
    body.discard();
    body = new CompressingStream(choice);
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    drainWriter();
    restart(); // the container writes its error page itself, uncompressed
    body.discard();
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    sendError(sc, null);
  }

  /** What was written is gone (its compressed bytes too): the next bytes decide afresh. */
  private void restart() {
    if (body.compressing()) {
      super.setHeader("Content-Encoding", null);
      if (etag != null) {
        super.setHeader("ETag", etag);
      }
    }
    if (body.undecided()) {
      body.resetHeld();
    } else {
      body.discard();
      body = new CompressingStream(choice);
    }
  }

  /** Sends what is still held back and ends the gzip stream: call once the application is done. */
  void finish() throws IOException {
    access.flushWriter();
    if (body.undecided() && contentLength >= 0) {
      super.setContentLengthLong(contentLength);
    }
    body.finish();
  }

  /** Sends what is held back and everything after it uncompressed (an asynchronous answer is streamed as written). */
  void identity() throws IOException {
    body.identity();
  }

  /** Forgets what is held back and stops compressing: the filter answers a failure itself. */
  void discard() {
    if (body.compressing()) {
      super.setHeader("Content-Encoding", null);
    }
    body.discard();
  }

  private final class Stream extends ServletOutputStream {
    @Override
    public void write(int b) throws IOException {
      body.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      body.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (!quiet) {
        body.flush();
      }
    }

    @Override
    public void close() throws IOException {
      body.close();
    }

    @Override
    public boolean isReady() {
      try {
        return CompressingResponse.super.getOutputStream().isReady();
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        CompressingResponse.super.getOutputStream().setWriteListener(listener);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
