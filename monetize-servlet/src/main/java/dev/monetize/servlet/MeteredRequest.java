package dev.monetize.servlet;

import dev.monetize.Admission;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

/**
 * Counts the request body bytes the application reads, through the stream or the reader, into the
 * admission ({@code bytes_in}). A body the container parses itself (form parameters) is not seen.
 *
 * <p>Also answers the filter's request attributes (the caller, the decision, the request id, the
 * usage reporter) itself, so an ordinary request costs the container no attribute map. When the
 * application goes asynchronous, they are copied onto the request the container hands to later
 * dispatches and threads, before it can see them.
 */
final class MeteredRequest extends HttpServletRequestWrapper {
  private final Admission admission;
  private final String requestId;
  private final boolean refresh;
  private ServletInputStream stream;
  private BufferedReader reader;


  MeteredRequest(HttpServletRequest request, Admission admission, String requestId) {
    this(request, admission, requestId, false);
  }

  private MeteredRequest(HttpServletRequest request, Admission admission, String requestId, boolean refresh) {
    super(request);
    this.admission = admission;
    this.requestId = requestId;
    this.refresh = refresh;
  }

  /** The parameters of a bodiless method's request that sends a multipart body: its query string's ({@link QueryParameters}). */
  private java.util.Map<String, String[]> queryOnly;

  private java.util.Map<String, String[]> queryOnly() {
    if (queryOnly == null) {
      queryOnly = QueryParameters.of(this);
    }
    return queryOnly;
  }

  // parameters and parts are parsed by the container from the body: a body it cannot parse is the
  // caller's mistake (400), never the endpoint's failure (500)
  @Override
  public String getParameter(String name) {
    try {
      if (QueryParameters.queryOnly(this)) {
        String[] v = queryOnly().get(name);
        return v == null ? null : v[0];
      }
      String v = super.getParameter(name);
      countPartsRead();
      return v;
    } catch (RuntimeException e) {
      throw MalformedRequestException.of(e);
    }
  }

  @Override
  public java.util.Map<String, String[]> getParameterMap() {
    try {
      if (QueryParameters.queryOnly(this)) {
        return queryOnly();
      }
      java.util.Map<String, String[]> m = super.getParameterMap();
      countPartsRead();
      return m;
    } catch (RuntimeException e) {
      throw MalformedRequestException.of(e);
    }
  }

  @Override
  public java.util.Enumeration<String> getParameterNames() {
    try {
      if (QueryParameters.queryOnly(this)) {
        return java.util.Collections.enumeration(queryOnly().keySet());
      }
      java.util.Enumeration<String> names = super.getParameterNames();
      countPartsRead();
      return names;
    } catch (RuntimeException e) {
      throw MalformedRequestException.of(e);
    }
  }

  @Override
  public String[] getParameterValues(String name) {
    try {
      if (QueryParameters.queryOnly(this)) {
        String[] v = queryOnly().get(name);
        return v == null ? null : v.clone();
      }
      String[] v = super.getParameterValues(name);
      countPartsRead();
      return v;
    } catch (RuntimeException e) {
      throw MalformedRequestException.of(e);
    }
  }

  @Override
  public java.util.Collection<jakarta.servlet.http.Part> getParts() throws java.io.IOException,
      jakarta.servlet.ServletException {
    if (QueryParameters.queryOnly(this)) {
      return java.util.List.of(); // a method that reads no body has no parts
    }
    try {
      return counted(super.getParts());
    } catch (RuntimeException e) {
      throw MalformedRequestException.of(e);
    }
  }

  @Override
  public jakarta.servlet.http.Part getPart(String name) throws java.io.IOException, jakarta.servlet.ServletException {
    if (QueryParameters.queryOnly(this)) {
      return null;
    }
    try {
      jakarta.servlet.http.Part part = super.getPart(name);
      counted(super.getParts());
      return part;
    } catch (RuntimeException e) {
      throw MalformedRequestException.of(e);
    }
  }

  /**
   * A multipart body the container parsed for a parameter (Tomcat does, for a servlet with a multipart
   * configuration) is counted as its parts are: read past the counting stream all the same.
   */
  private void countPartsRead() {
    String type = getContentType();
    if (partsCounted || stream != null || type == null || !type.regionMatches(true, 0, "multipart/form-data", 0, 19)) {
      return;
    }
    java.util.Collection<jakarta.servlet.http.Part> parts;
    try {
      parts = super.getParts();
    } catch (IOException | jakarta.servlet.ServletException | IllegalStateException e) {
      partsCounted = true; // not read as parts (no multipart configuration): nothing went past the stream; not asked again
      return;
    }
    try {
      counted(parts);
    } catch (IOException e) { // past the operation's limit: the filter answers 413 (it finds the cause)
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether the body the container read into parts is counted already. */
  private boolean partsCounted;

  /**
   * The container reads a multipart body itself, past the counting stream: its bytes are counted (and
   * held to the operation's limit) once the parts are read, by its declared length, else by the parts.
   */
  private java.util.Collection<jakarta.servlet.http.Part> counted(java.util.Collection<jakarta.servlet.http.Part> parts)
      throws IOException {
    if (!partsCounted && stream == null) {
      partsCounted = true;
      long length = super.getContentLengthLong();
      if (length < 0) {
        length = 0;
        for (jakarta.servlet.http.Part p : parts) {
          length += p.getSize();
        }
      }
      admission.readBody(length);
    }
    return parts;
  }

  /**
   * The request as the endpoint sees it while it refreshes a stale cache entry after the client was
   * answered (and metered): the usage it reports is the service's own cost, not the client's, and
   * it cannot go asynchronous (its answer is stored, never sent).
   */
  MeteredRequest forRefresh() {
    return new MeteredRequest((HttpServletRequest) getRequest(), admission, requestId, true);
  }

  /** The tenant of the admitted request. */
  String tenant() {
    return admission.principal().orElseThrow().customerId();
  }

  @Override
  public boolean isAsyncSupported() {
    return !refresh && super.isAsyncSupported();
  }

  /** One of the filter's attributes, or null for any other name. */
  private Object own(String name) {
    if (name == null || !name.startsWith("dev.monetize.")) {
      return null;
    }
    return switch (name) {
      case MonetizeFilter.PRINCIPAL_ATTRIBUTE -> admission.principal().orElse(null);
      case MonetizeFilter.DECISION_ATTRIBUTE -> admission.decision();
      case MonetizeFilter.REQUEST_ID_ATTRIBUTE -> requestId;
      case MonetizeFilter.USAGE_ATTRIBUTE -> refresh ? REFRESH_USAGE
          : (dev.monetize.metering.UsageReporter) admission::reportUsage;
      default -> null;
    };
  }

  /** A refresh's usage is nobody's bill. */
  private static final dev.monetize.metering.UsageReporter REFRESH_USAGE = (unit, amount) -> { };

  private static final java.util.List<String> OWN = java.util.List.of(MonetizeFilter.PRINCIPAL_ATTRIBUTE,
      MonetizeFilter.DECISION_ATTRIBUTE, MonetizeFilter.REQUEST_ID_ATTRIBUTE, MonetizeFilter.USAGE_ATTRIBUTE);

  @Override
  public Object getAttribute(String name) {
    Object own = own(name);
    return own != null ? own : super.getAttribute(name);
  }

  @Override
  public java.util.Enumeration<String> getAttributeNames() {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(OWN);
    names.addAll(java.util.Collections.list(super.getAttributeNames()));
    return java.util.Collections.enumeration(names);
  }

  @Override
  public jakarta.servlet.AsyncContext startAsync() {
    refuseIfRefresh();
    publish();
    return super.startAsync();
  }

  @Override
  public jakarta.servlet.AsyncContext startAsync(jakarta.servlet.ServletRequest request,
      jakarta.servlet.ServletResponse response) {
    refuseIfRefresh();
    publish();
    return super.startAsync(request, response);
  }

  private void refuseIfRefresh() {
    if (refresh) {
      throw new IllegalStateException("a refresh of a cached answer runs synchronously; it cannot go asynchronous");
    }
  }

  /** Copies the attributes onto the wrapped request, which async dispatches and threads may be given. */
  private void publish() {
    for (String name : OWN) {
      super.setAttribute(name, own(name));
    }
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (reader != null) {
      throw new IllegalStateException("getReader() was already called on this request");
    }
    if (stream == null) {
      stream = new CountingStream(super.getInputStream());
    }
    return stream;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (reader == null) {
      if (stream != null) {
        throw new IllegalStateException("getInputStream() was already called on this request");
      }
      stream = new CountingStream(super.getInputStream());
      reader = new BufferedReader(new InputStreamReader(stream, MeteredResponse.charset(getCharacterEncoding())));
    }
    return reader;
  }

  /**
   * Whether reading the body failed in the container (the client stopped sending it, or sent it
   * slower than the container waits for): what the endpoint then fails with is the caller's doing.
   */
  private volatile Throwable bodyFailure;

  boolean bodyFailed() {
    return bodyFailure != null;
  }

  /** Whether the body read failed because it did not arrive in time ({@link dev.monetize.http.UnreadBody#timedOut}). */
  boolean bodyTimedOut() {
    return dev.monetize.http.UnreadBody.timedOut(bodyFailure);
  }

  /** What reading the body failed with, or null. */
  Throwable bodyFailure() {
    return bodyFailure;
  }

  private final class CountingStream extends ServletInputStream {
    private final ServletInputStream delegate;

    CountingStream(ServletInputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = delegate.read();
      } catch (IOException | RuntimeException e) {
        bodyFailure = e;
        throw e;
      }
      if (b >= 0) {
        admission.readBody(1); // past the operation's limit the read fails
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = delegate.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        bodyFailure = e;
        throw e;
      }
      admission.readBody(n);
      return n;
    }

    @Override
    public boolean isFinished() {
      return delegate.isFinished();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      delegate.setReadListener(listener);
    }
  }
}
