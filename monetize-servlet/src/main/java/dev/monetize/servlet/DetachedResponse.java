package dev.monetize.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The response an endpoint writes while it refreshes a stale cache entry after the client was
 * already answered: status, headers and body (up to {@link CapturingResponse#LIMIT}) stay here and
 * never reach the client's response, which is complete.
 */
final class DetachedResponse extends HttpServletResponseWrapper {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private int status = 200;
  private boolean failed;
  private boolean tooLarge;
  private String contentType;
  private String encoding;
  private final BodyAccess access = new BodyAccess(Sink::new);

  DetachedResponse(HttpServletResponse response) {
    super(response);
  }

  /** Whether what was written can be stored: written in full, not an error page or a redirect. */
  boolean storable() {
    return !failed && !tooLarge && headers.get("Content-Encoding") == null;
  }

  byte[] body() {
    access.flushWriter();
    return bytes.toByteArray();
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void sendError(int sc, String msg) {
    status = sc;
    failed = true;
  }

  @Override
  public void sendError(int sc) {
    sendError(sc, null);
  }

  @Override
  public void sendRedirect(String location) {
    status = 302;
    failed = true;
  }

  @Override
  public void setContentType(String type) {
    contentType = type;
  }

  @Override
  public String getContentType() {
    return contentType == null || encoding == null || contentType.toLowerCase(Locale.ROOT).contains("charset=")
        ? contentType : contentType + ";charset=" + encoding;
  }

  @Override
  public void setCharacterEncoding(String charset) {
    encoding = charset;
  }

  @Override
  public String getCharacterEncoding() {
    if (encoding != null) {
      return encoding;
    }
    int at = contentType == null ? -1 : contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
    return at < 0 ? null : contentType.substring(at + 8).strip();
  }

  @Override
  public void setContentLength(int len) {
  }

  @Override
  public void setContentLengthLong(long len) {
  }

  @Override
  public void setLocale(java.util.Locale loc) {
    if (loc != null) { // what a container does with it, for the stored answer's headers (not its charset)
      setHeader("Content-Language", loc.toLanguageTag());
    }
  }

  @Override
  public void addCookie(Cookie cookie) {
  }

  @Override
  public void setHeader(String name, String value) {
    headers.remove(name);
    addHeader(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    if (value != null) {
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
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

  @Override
  public void setDateHeader(String name, long date) {
    setHeader(name, httpDate(date));
  }

  @Override
  public void addDateHeader(String name, long date) {
    addHeader(name, httpDate(date));
  }

  @Override
  public boolean containsHeader(String name) {
    return headers.containsKey(name);
  }

  @Override
  public String getHeader(String name) {
    List<String> v = headers.get(name);
    return v == null ? null : v.get(0);
  }

  @Override
  public Collection<String> getHeaders(String name) {
    return List.copyOf(headers.getOrDefault(name, List.of()));
  }

  @Override
  public Collection<String> getHeaderNames() {
    return List.copyOf(headers.keySet());
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
  public void flushBuffer() {
    access.flushWriter();
  }

  @Override
  public boolean isCommitted() {
    return false;
  }

  @Override
  public void reset() {
    resetBuffer();
    headers.clear();
    status = 200;
    contentType = null;
  }

  @Override
  public void resetBuffer() {
    bytes.reset();
  }

  @Override
  public void setBufferSize(int size) {
  }

  @Override
  public int getBufferSize() {
    return CapturingResponse.LIMIT;
  }

  private final class Sink extends ServletOutputStream {
    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (bytes.size() + len > CapturingResponse.LIMIT) {
        tooLarge = true;
        return;
      }
      bytes.write(b, off, len);
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      throw new IllegalStateException("a refresh of a cached answer is written blocking");
    }
  }

  private static final java.time.format.DateTimeFormatter HTTP_DATE =
      java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

  /** A date header's value as a container writes it (RFC 9110 IMF-fixdate): a stored answer replays it so. */
  private static String httpDate(long epochMillis) {
    return HTTP_DATE.format(java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneOffset.UTC));
  }
}
