package dev.monetize.jaxrs;

import dev.monetize.Admission;
import dev.monetize.CacheLookup;
import dev.monetize.cache.CachedResponse;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.http.Compression;
import dev.monetize.http.CompressingStream;
import dev.monetize.http.Header;
import dev.monetize.http.RequestIds;
import dev.monetize.plans.Operation;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The filters of one monetized resource method, built once at deployment with its operation:
 * admit the request (or answer the refusal), add the limit headers to the response, and complete
 * the admission (usage, audit, concurrency release) once the body is written, whatever happened.
 * The headers and problem bodies are the core's, the same as the servlet filter's.
 */
final class AdmissionFilter implements ContainerRequestFilter, ContainerResponseFilter, WriterInterceptor {
  static final String ADMISSION = "dev.monetize.admission";
  private static final String ACCEPT_ENCODING = "dev.monetize.accept_encoding";
  private static final String STATUS = "dev.monetize.status";
  private static final String CACHE = "dev.monetize.cache";
  private static final String CAPTURE = "dev.monetize.cache.capture";
  /** The request's own {@link MonetizeContext} and tenant scope, as its request filter set them on its thread. */
  private static final String CONTEXT = "dev.monetize.context";
  private static final String SCOPE = "dev.monetize.tenant_scope";
  /** The largest answer held back to be stored; a larger one is streamed and not cached. */
  static final int CAPTURE_LIMIT = 1 << 20;

  private final Monetize monetize;
  private final Operation operation;
  /** The tenant scope the request filter opened on this thread, closed by the response filter. */
  private static final ThreadLocal<Opened> TENANT = new ThreadLocal<>();

  /**
   * One request's tenant scope, as its request filter opened it: an object of its own, told apart from
   * another request's by identity (two scopes that restore "no tenant" are one shared object).
   */
  private static final class Opened {
    final dev.monetize.TenantContext.Scope scope;

    Opened(dev.monetize.TenantContext.Scope scope) {
      this.scope = scope;
    }
  }

  AdmissionFilter(Monetize monetize, Operation operation) {
    this.monetize = monetize;
    this.operation = operation;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String requestId = RequestIds.acceptOrCreate(request.getHeaderString(RequestIds.HEADER));
    if (declaredLength(request) > operation.maxBodyBytes()) { // declared too large: refused before anything is read
      request.abortWith(Response.status(413).type("application/problem+json").header(RequestIds.HEADER, requestId)
          .header("Connection", "close").header("Cache-Control", "no-store")
          .entity(dev.monetize.errors.ProblemJson.toBytes(monetize.problem(dev.monetize.errors.ErrorCode.PAYLOAD_TOO_LARGE,
              dev.monetize.http.BodyTooLargeException.detail(operation.maxBodyBytes()), requestId)
              .withHint(dev.monetize.errors.ErrorCode.PAYLOAD_TOO_LARGE.hint()))).build());
      return;
    }
    String repeated = repeatedCredential(request.getHeaders());
    if (repeated != null) {
      request.abortWith(Response.status(400).type("application/problem+json").header(RequestIds.HEADER, requestId)
          .header("Cache-Control", "no-store")
          .entity(dev.monetize.errors.ProblemJson.toBytes(monetize.problem(dev.monetize.errors.ErrorCode.BAD_REQUEST,
              repeatedDetail(repeated), requestId))).build());
      return;
    }
    String path = "/" + request.getUriInfo().getPath(false);
    Admission admission = monetize.admit(operation, ApiRequest.of(request.getMethod(), path.replace("//", "/"),
        monetize.clientAddress(PeerAddress.current(), request.getHeaderString("Forwarded"),
            request.getHeaderString("X-Forwarded-For")),
        requestId, request.getHeaderString("Authorization"), request.getHeaderString("X-API-Key"),
        request.getUriInfo().getRequestUri().getRawQuery(), request.getHeaderString("User-Agent")));
    request.setProperty(ADMISSION, admission);
    PeerAddress.admitted(admission);
    String acceptEncoding = request.getHeaderString("Accept-Encoding");
    request.setProperty(ACCEPT_ENCODING, acceptEncoding == null ? "" : acceptEncoding);
    // before the refusal is answered: a request the service sheds is served from the cache when it can be
    CacheLookup cache = admission.cache(request.getUriInfo().getRequestUri().getRawQuery(),
        request.getHeaderString("Accept"), acceptEncoding);
    if (!admission.admitted()) {
      Response.ResponseBuilder refusal = Response.status(admission.decision().status())
          .type("application/problem+json")
          .entity(admission.problemBody());
      request.abortWith(refusal.build());
      return;
    }
    request.setProperty(CACHE, cache);
    cache.refreshInLine(); // a resource runs only in line: a stale entry this request refreshes is not served to it
    if (cache.hit().isPresent()) { // served from the cache: the resource does not run
      boolean notModified = CacheLookup.notModified(request.getHeaderString("If-None-Match"), cache.hit().get());
      request.abortWith(cached(cache, notModified).build());
      return;
    }
    if (request.hasEntity()) {
      request.setEntityStream(new CountingInput(request.getEntityStream(), admission)); // bytes_in, and the limit
    }
    MonetizeContext context = new MonetizeContext(admission);
    MonetizeContext.set(context);
    Opened leftover = TENANT.get();
    if (leftover != null) { // an earlier request on this thread never reached its response filter
      leftover.scope.close();
    }
    Opened opened = new Opened(dev.monetize.TenantContext.open(admission.principal().orElseThrow().customerId()));
    TENANT.set(opened);
    request.setProperty(CONTEXT, context);
    request.setProperty(SCOPE, opened);
    SecurityContext original = request.getSecurityContext();
    boolean secure = original != null && original.isSecure();
    request.setSecurityContext(new SecurityContext() {
      @Override
      public java.security.Principal getUserPrincipal() {
        return context;
      }

      @Override
      public boolean isUserInRole(String role) {
        return dev.monetize.plans.Scopes.grants(context.principal().scopes(), role);
      }

      @Override
      public boolean isSecure() {
        return secure;
      }

      @Override
      public String getAuthenticationScheme() {
        return "Bearer";
      }
    });
  }

  /**
   * Ends whatever monetized call left its {@link MonetizeContext} and tenant scope on this thread. The
   * response filter ends its own request's when the resource answered on this thread; a call answered
   * later on another thread ({@code AsyncResponse}) leaves them until the host's filter sees the thread
   * return ({@link PeerAddress#servletFilter()}) or the thread's next request starts ({@link EdgeFilter}).
   */
  static void leaveThread() {
    MonetizeContext.clear();
    Opened tenant = TENANT.get();
    if (tenant != null) {
      TENANT.remove();
      tenant.scope.close();
    }
  }

  /**
   * Ends this request's {@link MonetizeContext} and tenant scope when they are this thread's: the
   * resource answered on the thread that admitted it. An answer resumed on another thread (one that
   * may be serving a monetized request of its own, as in a long poll) leaves that thread's alone.
   */
  private static void leaveThread(ContainerRequestContext request) {
    if (request.getProperty(CONTEXT) instanceof MonetizeContext own && MonetizeContext.current().orElse(null) == own) {
      MonetizeContext.clear();
    }
    if (request.getProperty(SCOPE) instanceof Opened own && TENANT.get() == own) {
      TENANT.remove();
      own.scope.close();
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    leaveThread(request); // the resource ran on this thread: its context and tenant scope end with it
    Object a = request.getProperty(ADMISSION);
    if (!(a instanceof Admission admission)) {
      return;
    }
    for (Header h : admission.responseHeaders()) {
      put(response.getHeaders(), h);
    }
    if (request.getProperty(CACHE) instanceof CacheLookup cache && cache.hit().isEmpty()) {
      if (cache.insteadOfError(response.getStatus()).isPresent()) { // a stale answer instead of the failure
        Response stale = cached(cache, CacheLookup.notModified(request.getHeaderString("If-None-Match"),
            cache.hit().get())).build();
        for (String h : new String[] {"Content-Type", "Content-Encoding", "Content-Length", "Retry-After", "Set-Cookie",
            "Content-Disposition", "Location"}) {
          response.getHeaders().remove(h);
        }
        response.setStatus(stale.getStatus());
        response.setEntity(stale.getEntity(), new java.lang.annotation.Annotation[0], stale.getMediaType());
        stale.getHeaders().forEach((name, values) -> {
          if (Header.merges(name)) { // Vary and Link add to the engine's
            values.forEach(v -> put(response.getHeaders(), new Header(name, v.toString())));
          } else {
            response.getHeaders().put(name, values);
          }
        });
      } else {
        if (cache.storing() && response.getStatus() == 200 && response.hasEntity()
            && "GET".equals(request.getMethod()) && response.getMediaType() != null) {
          request.setProperty(CAPTURE, cache); // stored as the body is written
        } else {
          cache.abandon();
        }
        for (Header h : cache.headers(response.getStatus())) {
          put(response.getHeaders(), h);
        }
      }
    }
    if (admission.admitted() && !response.getHeaders().containsKey("Cache-Control")) {
      response.getHeaders().putSingle("Cache-Control", Admission.ADMITTED_CACHE_CONTROL); // none of the resource's
    }
    if (response.hasEntity() && !"HEAD".equals(request.getMethod())) {
      request.setProperty(STATUS, response.getStatus()); // completed once the body is written
    } else {
      admission.complete(response.getStatus(), 0);
    }
  }

  /** The declared {@code Content-Length} (-1 when none or unreadable): a long, where JAX-RS's own is an int. */
  private static long declaredLength(ContainerRequestContext request) {
    String v = request.getHeaderString("Content-Length");
    try {
      return v == null ? -1 : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The lookup's entry as an answer: a {@code 304}, or the form the client takes with its headers. */
  private static Response.ResponseBuilder cached(CacheLookup cache, boolean notModified) {
    CachedResponse entry = cache.hit().orElseThrow();
    CachedResponse.Representation form = cache.representation().orElseThrow();
    Response.ResponseBuilder answer = notModified ? Response.notModified()
        : Response.status(entry.status()).type(entry.contentType()).entity(form.bytes());
    if (!notModified) {
      for (Header h : cache.storedHeaders()) { // the answer's own, as stored (Link merges with the engine's later)
        answer.header(h.name(), h.value());
      }
      form.contentEncoding().ifPresent(e -> answer.header("Content-Encoding", e));
    } else { // the length a 200 would have (RFC 9110 8.6), not the container's Content-Length: 0 of an empty answer
      answer.header("Content-Length", form.bytes().length);
    }
    for (Header h : cache.headers()) {
      answer.header(h.name(), h.value());
    }
    return answer;
  }

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    Object a = context.getProperty(ADMISSION);
    if (!(a instanceof Admission admission) || admission.completed()) {
      context.proceed();
      return;
    }
    Object status = context.getProperty(STATUS);
    int sent = status instanceof Integer s ? s : 200;
    Counting counting = new Counting(context.getOutputStream(), admission, sent);
    CompressingStream compressing = monetize.compresses()
        && Compression.acceptsGzip((String) context.getProperty(ACCEPT_ENCODING))
        ? new CompressingStream(new Gzip(context, counting, sent)) : null;
    OutputStream body = compressing != null ? compressing : counting;
    Holding holding = context.getProperty(CAPTURE) instanceof CacheLookup cache ? new Holding(body, counting, cache) : null;
    context.setOutputStream(holding != null ? holding : body);
    try {
      context.proceed();
      if (holding != null) {
        holding.finish(context); // stores the answer, adds its ETag, then sends it
      }
      if (compressing != null) {
        compressing.finish();
      }
    } catch (IOException | RuntimeException e) {
      sent = 500;
      throw e;
    } finally {
      admission.complete(sent, counting.count);
    }
  }

  /**
   * Holds a cacheable answer back while it is serialized (up to {@link #CAPTURE_LIMIT}): then it is
   * stored, its {@code ETag} added to the headers (not yet sent), and it is written. A larger answer
   * is passed through as it comes and not stored.
   */
  private static final class Holding extends OutputStream {
    private final OutputStream out;
    private final OutputStream wire;
    private final CacheLookup cache;
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private boolean passing;

    /** Holds what goes to {@code out}; a stored gzip form goes straight to {@code wire}. */
    Holding(OutputStream out, OutputStream wire, CacheLookup cache) {
      this.out = out;
      this.wire = wire;
      this.cache = cache;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!passing && buffer.size() + len > CAPTURE_LIMIT) {
        passing = true;
        cache.abandon();
        buffer.writeTo(out);
        buffer.reset();
      }
      if (passing) {
        out.write(b, off, len);
      } else {
        buffer.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (passing) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (passing) {
        out.close();
      }
    }

    void finish(WriterInterceptorContext context) throws IOException {
      if (passing) {
        return;
      }
      byte[] body = buffer.toByteArray();
      if (context.getHeaders().getFirst("Content-Encoding") != null) { // encoded by another interceptor: not ours to keep
        cache.abandon();
        out.write(body);
        out.flush();
        return;
      }
      cache.store(200, context.getMediaType().toString(), body, headersOf(context.getHeaders()));
      for (Header h : cache.headers()) {
        put(context.getHeaders(), h);
      }
      CachedResponse.Representation form = cache.representation().orElseThrow();
      if (form.contentEncoding().isPresent()) { // compressed once, when stored
        context.getHeaders().putSingle("Content-Encoding", form.contentEncoding().get());
        context.getHeaders().remove("Content-Length");
        wire.write(form.bytes());
        wire.flush();
      } else {
        out.write(body);
        out.flush();
      }
    }
  }

  /** Compression's side in JAX-RS: the headers of the answer being written. */
  private record Gzip(WriterInterceptorContext context, OutputStream wire, int status) implements CompressingStream.Choice {
    @Override
    public boolean compress() {
      jakarta.ws.rs.core.MultivaluedMap<String, Object> h = context.getHeaders();
      if (status == 204 || status == 206 || status == 304 || h.getFirst("Content-Encoding") != null
          || h.getFirst("Content-Range") != null || !holdOnFlush()
          || Compression.sensitive(text(h.getFirst("Set-Cookie")), text(h.getFirst("Cache-Control")))) {
        return false;
      }
      h.putSingle("Content-Encoding", Compression.GZIP);
      Object vary = h.getFirst("Vary");
      h.putSingle("Vary", Compression.varyWithAcceptEncoding(vary == null ? null : vary.toString()));
      Object etag = h.getFirst("ETag");
      if (etag != null) {
        h.putSingle("ETag", Compression.gzipEtag(etag.toString()));
      }
      h.remove("Content-Length");
      return true;
    }

    private static String text(Object header) {
      return header == null ? null : header.toString();
    }

    @Override
    public boolean holdOnFlush() {
      return context.getMediaType() != null && Compression.compressible(context.getMediaType().toString());
    }

    @Override
    public OutputStream below(boolean compressed) {
      return wire;
    }
  }

  /**
   * Counts the request body bytes the resource reads into the admission ({@code bytes_in}); past the
   * operation's body limit the read fails with {@link dev.monetize.http.BodyTooLargeException}
   * (answered {@code 413}).
   */
  private static final class CountingInput extends java.io.FilterInputStream {
    private final Admission admission;

    CountingInput(java.io.InputStream in, Admission admission) {
      super(in);
      this.admission = admission;
    }

    private void counted(long n) throws IOException {
      admission.readBody(n);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      counted(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      counted(skipped);
      return skipped;
    }
  }

  /**
   * Counts the bytes of the body as they are written. The container completes the response after
   * the interceptors return, so the admission completes there; a writer that closes the stream
   * completes it first, before the response can be complete on the wire.
   */
  private static final class Counting extends FilterOutputStream {
    private final Admission admission;
    private final int status;
    long count;

    Counting(OutputStream out, Admission admission, int status) {
      super(out);
      this.admission = admission;
      this.status = status;
    }

    @Override
    public void close() throws IOException {
      admission.complete(status, count);
      super.close();
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** The answer's headers as the runtime holds them, each value apart and in its wire form (for the cache to choose from). */
  private static java.util.List<Header> headersOf(jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
    java.util.List<Header> all = new java.util.ArrayList<>();
    headers.forEach((name, values) -> {
      for (Object value : values) {
        all.add(new Header(name, wire(value)));
      }
    });
    return all;
  }

  /** A header value as it goes on the wire: through the runtime's delegate for its type (a {@code Date}, a URI...). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String wire(Object value) {
    if (value instanceof String s) {
      return s;
    }
    try {
      jakarta.ws.rs.ext.RuntimeDelegate.HeaderDelegate d =
          jakarta.ws.rs.ext.RuntimeDelegate.getInstance().createHeaderDelegate(value.getClass());
      return d != null ? d.toString(value) : String.valueOf(value);
    } catch (RuntimeException e) { // a type the runtime has no delegate for
      return String.valueOf(value);
    }
  }

  /** Sets {@code h}, adding to a {@code Vary} or {@code Link} the response already holds. */
  private static void put(jakarta.ws.rs.core.MultivaluedMap<String, Object> headers, Header h) {
    if (!h.merges()) {
      headers.putSingle(h.name(), h.value());
      return;
    }
    java.util.List<Object> values = headers.get(h.name()); // every value so far (a Link list may hold several)
    String existing = values == null || values.isEmpty() ? null
        : values.stream().map(AdmissionFilter::wire).collect(java.util.stream.Collectors.joining(", "));
    headers.putSingle(h.name(), h.mergedWith(existing));
  }

  /** The credential header sent more than once ({@code Authorization} or {@code X-API-Key}), or null. */
  static String repeatedCredential(jakarta.ws.rs.core.MultivaluedMap<String, String> headers) {
    for (String name : new String[] {"Authorization", "X-API-Key"}) {
      java.util.List<String> lines = headers.get(name);
      if (lines != null && lines.size() > 1) {
        return name;
      }
    }
    return null;
  }

  /** Why a request with a credential header sent more than once is refused. */
  static String repeatedDetail(String header) {
    return "Send one " + header + " header, not several (a proxy that reads another of them would see another "
        + "caller).";
  }
}
