package dev.monetize.servlet;

import dev.monetize.Admission;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Counts the body bytes the application actually writes, through the stream or the writer, and
 * completes the admission (meters the call) before the response can be complete on the wire: before
 * the write that reaches the declared {@code Content-Length}, or before the stream is closed. A
 * client never sees a whole response whose usage is not yet recorded (with a usage journal, not yet
 * in the operating system's hands).
 */
final class MeteredResponse extends HttpServletResponseWrapper {
  private final Admission admission;
  private CountingStream stream;
  private PrintWriter writer;
  private long contentLength = -1;

  /**
   * The {@code Vary} the engine set before the application ran (the credential's headers, the API
   * version's, the cache's): an application that sets its own {@code Vary} adds to it, since the
   * answer varies with those whatever the application says.
   */
  private final String engineVary;

  /** A {@code HEAD}: the container drops the body the application writes, so none is metered. */
  private final boolean head;

  /** The engine, for the problem of an application's {@code sendError}. */
  private final dev.monetize.Monetize monetize;

  MeteredResponse(HttpServletResponse response, Admission admission, dev.monetize.Monetize monetize) {
    super(response);
    this.admission = admission;
    this.monetize = monetize;
    this.engineVary = response.getHeader("Vary");
    this.head = "HEAD".equals(admission.request().method());
  }

  /**
   * As late as the answer allows (at the end of the request, a flush, or a write that may fill the
   * buffer and so commit it): {@link Admission#ADMITTED_CACHE_CONTROL} when nothing set a
   * {@code Cache-Control}, so that the application's, the cache's or Spring Security's (which writes
   * its headers as the answer commits, or once its filters are done) comes first.
   */
  void defaultCacheControl() {
    if (!isCommitted() && !containsHeader("Cache-Control")) {
      super.addHeader("Cache-Control", Admission.ADMITTED_CACHE_CONTROL); // none to replace: no second search
    }
  }

  @Override
  public void sendError(int sc) throws IOException {
    sendError(sc, null);
  }

  /**
   * The application's error answer, as every other error of the API: problem JSON (the engine's code
   * for the status, else {@code about:blank} with its reason) with the call's request id, written
   * here rather than by the container's error page (Jetty's HTML, Spring Boot's {@code /error}). The
   * message is not shown, as the containers' pages do not show it by default: it may be internal.
   */
  @Override
  public void sendError(int sc, String msg) throws IOException {
    if (sc < 400 || sc > 599 || isCommitted()) {
      defaultCacheControl(); // the container's error page commits the answer
      super.sendError(sc, msg);
      return;
    }
    resetBuffer();
    ServletProblems.dropBodyHeaders(this);
    setStatus(sc);
    super.setHeader("Cache-Control", "no-store"); // an error is never stored, whatever was said of the answer
    super.setHeader("X-Content-Type-Options", "nosniff");
    byte[] body = monetize.statusProblemJson(sc, admission.request().requestId());
    setContentType(dev.monetize.errors.Problem.MEDIA_TYPE);
    setContentLength(body.length);
    if (writer != null) { // what the application left in its writer goes with the rest of its answer
      writer = new PrintWriter(new OutputStreamWriter(stream(), java.nio.charset.StandardCharsets.UTF_8), false);
    }
    stream().write(body);
    flushBuffer();
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    defaultCacheControl();
    super.sendRedirect(location);
  }

  /** Clears what the application wrote, which is not sent and so not metered. */
  @Override
  public void resetBuffer() {
    super.resetBuffer();
    if (stream != null) {
      stream.count = 0;
    }
  }

  /** Clears what the application wrote, and sets the engine's headers again: they belong to every answer. */
  @Override
  public void reset() {
    super.reset();
    contentLength = -1;
    if (stream != null) {
      stream.count = 0;
    }
    HttpServletResponse below = (HttpServletResponse) getResponse();
    admission.responseHeaders((name, value) -> MonetizeFilter.add(below, name, value));
    if (engineVary != null) {
      below.setHeader("Vary", engineVary);
    }
  }

  @Override
  public void setContentLength(int len) {
    super.setContentLength(len);
    contentLength = len;
  }

  @Override
  public void setContentLengthLong(long len) {
    super.setContentLengthLong(len);
    contentLength = len;
  }

  @Override
  public void setHeader(String name, String value) {
    if (engineVary != null && "Vary".equalsIgnoreCase(name)) { // added to, never taken away
      value = value == null ? engineVary : new dev.monetize.http.Header(name, engineVary).mergedWith(value);
    }
    super.setHeader(name, value);
    noteLength(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    super.addHeader(name, value);
    noteLength(name, value);
  }

  @Override
  public void setIntHeader(String name, int value) {
    super.setIntHeader(name, value);
    noteLength(name, Integer.toString(value));
  }

  @Override
  public void addIntHeader(String name, int value) {
    super.addIntHeader(name, value);
    noteLength(name, Integer.toString(value));
  }

  private void noteLength(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name)) {
      try {
        contentLength = value == null ? -1 : Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        contentLength = -1;
      }
    }
  }

  /** Meters the call now, as the response is about to be complete (later completions are ignored). */
  private void completeBeforeLastByte(long bytes) {
    if (!admission.completed()) {
      admission.complete(getStatus(), head ? 0 : bytes);
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called on this response");
    }
    return stream();
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() was already called on this response");
      }
      writer = new PrintWriter(new OutputStreamWriter(stream(), charset()), false);
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush();
    }
    defaultCacheControl();
    super.flushBuffer();
  }

  /** Flushes what the writer still buffers, so that it is sent and counted. */
  void finish() {
    if (writer != null) {
      writer.flush();
    }
    defaultCacheControl();
  }

  /** The body bytes sent: what the application wrote, none for a {@code HEAD}. */
  long bytesWritten() {
    return stream == null || head ? 0 : stream.count;
  }

  private CountingStream stream() throws IOException {
    if (stream == null) {
      stream = new CountingStream(super.getOutputStream());
    }
    return stream;
  }

  private boolean completesBody(long bytesAfterWrite) {
    return contentLength >= 0 && bytesAfterWrite >= contentLength;
  }

  private Charset charset() {
    return charset(getCharacterEncoding());
  }

  /** The charset of a request's or response's character encoding: ISO-8859-1 when none, UTF-8 when unknown. */
  static Charset charset(String encoding) {
    try {
      return encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private final class CountingStream extends ServletOutputStream {
    private final ServletOutputStream delegate;
    long count;

    CountingStream(ServletOutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      if (count + 1 >= getBufferSize() || completesBody(count + 1)) { // this byte may commit the answer
        defaultCacheControl();
      }
      if (completesBody(count + 1)) {
        completeBeforeLastByte(count + 1);
      }
      delegate.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (count + len >= getBufferSize() || completesBody(count + len)) { // these bytes may commit the answer
        defaultCacheControl();
      }
      if (completesBody(count + len)) {
        completeBeforeLastByte(count + len);
      }
      delegate.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      defaultCacheControl();
      delegate.flush();
    }

    @Override
    public void close() throws IOException {
      defaultCacheControl();
      completeBeforeLastByte(count); // closing completes the response
      delegate.close();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      delegate.setWriteListener(listener);
    }
  }
}
