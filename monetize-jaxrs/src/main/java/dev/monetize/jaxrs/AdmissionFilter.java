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
  /** A status whose caching headers are those of an answer not stored: no Cache-Control, no ETag. */
  private static final int NOT_STORED = 0;
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
      if (!Refusals.shielded(monetize, request, EdgeFilter.pathOf(request))) {
        request.abortWith(Response.status(413).type("application/problem+json").header(RequestIds.HEADER, requestId)
            .header("Connection", "close").header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
            .entity(dev.monetize.errors.ProblemJson.toBytes(monetize.problem(dev.monetize.errors.ErrorCode.PAYLOAD_TOO_LARGE,
                dev.monetize.http.BodyTooLargeException.detail(operation.maxBodyBytes()), requestId)
                .withHint(dev.monetize.errors.ErrorCode.PAYLOAD_TOO_LARGE.hint()))).build());
      }
      return;
    }
    String repeated = repeatedCredential(request.getHeaders());
    if (repeated != null) {
      if (!Refusals.shielded(monetize, request, EdgeFilter.pathOf(request))) {
        request.abortWith(Response.status(400).type("application/problem+json").header(RequestIds.HEADER, requestId)
            .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
            .entity(dev.monetize.errors.ProblemJson.toBytes(monetize.problem(dev.monetize.errors.ErrorCode.BAD_REQUEST,
                repeatedDetail(repeated), requestId))).build());
      }
      return;
    }
    String path = EdgeFilter.pathOf(request); // without matrix parameters: one route, one cache entry
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
    // matrix parameters are not in the key (nor in the route): a resource reading them would mix answers up
    String rawPath = request.getUriInfo().getRequestUri().getRawPath();
    CacheLookup cache = rawPath != null && rawPath.indexOf(';') >= 0 ? null
        : admission.cache(request.getUriInfo().getRequestUri().getRawQuery(), request.getHeaderString("Accept"),
            acceptEncoding, request::getHeaderString);
    if (!admission.admitted()) {
      Response.ResponseBuilder refusal = Response.status(admission.decision().status())
          .type("application/problem+json")
          .entity(admission.problemBody());
      request.abortWith(refusal.build());
      return;
    }
    if (cache != null) {
      request.setProperty(CACHE, cache);
      cache.refreshInLine(); // a resource runs only in line: a stale entry this request refreshes is not served to it
    }
    if (cache != null && cache.hit().isPresent()) { // served from the cache: the resource does not run
      boolean notModified = CacheLookup.notModified(request.getHeaderString("If-None-Match"), cache.hit().get());
      request.abortWith(cached(cache, notModified).build());
      return;
    }
    MonetizeContext context = new MonetizeContext(admission);
    // always wrapped (getting the stream reads nothing; asking the runtime whether there is a body reads from
    // the client): bytes_in, the limit and a read the container fails, also for an HTTP/2 body of no declared length
    request.setEntityStream(new AnswerStreams.CountingInput(request.getEntityStream(), admission, context));
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
      ResponseHeaders.put(response.getHeaders(), h);
    }
    if (request.getProperty(CACHE) instanceof CacheLookup hit && hit.hit().isPresent()) {
      ResponseHeaders.oneCorsValueEach(response.getHeaders()); // the application's CORS filter ran on it too
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
            values.forEach(v -> ResponseHeaders.put(response.getHeaders(), new Header(name, v.toString())));
          } else {
            response.getHeaders().put(name, values);
          }
        });
      } else {
        // the resource's no-store or private: one caller's answer, never stored, sent as it made it
        boolean oneCaller = dev.monetize.cache.PrivateAnswers.marked(ResponseHeaders.headersOf(response.getHeaders()));
        if (cache.storing() && response.getStatus() == 200 && response.hasEntity() && !oneCaller
            && "GET".equals(request.getMethod()) && response.getMediaType() != null) {
          request.setProperty(CAPTURE, cache); // stored as the body is written
        } else {
          cache.abandon();
        }
        // one caller's answer goes with the cache's headers of an answer not stored (Vary, Cache-Status), as on servlets
        for (Header h : cache.headers(oneCaller ? NOT_STORED : response.getStatus())) {
          ResponseHeaders.put(response.getHeaders(), h);
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
      for (Header h : cache.storedHeaders()) {
        if (h.name().equalsIgnoreCase("Vary")) {
          answer.header(h.name(), h.value()); // the Vary a 200 would have (an answer stored for one origin)
        }
      }
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
    AnswerStreams.Counting counting = new AnswerStreams.Counting(context.getOutputStream(), admission, sent);
    CompressingStream compressing = monetize.compresses()
        && Compression.acceptsGzip((String) context.getProperty(ACCEPT_ENCODING))
        ? new CompressingStream(new AnswerStreams.Gzip(context, counting, sent)) : null;
    OutputStream body = compressing != null ? compressing : counting;
    AnswerStreams.Holding holding = context.getProperty(CAPTURE) instanceof CacheLookup cache
        ? new AnswerStreams.Holding(body, counting, cache) : null;
    context.setOutputStream(holding != null ? holding : body);
    // the entity is written after the response filter ended the resource's tenant scope: a streamed body
    // (StreamingOutput) reads the tenant's data now, so the tenant is current again while it is written
    java.util.Optional<String> tenant = admission.principal().map(dev.monetize.Principal::customerId);
    dev.monetize.TenantContext.Scope writing = tenant.map(dev.monetize.TenantContext::open).orElse(null);
    // and the call's context (a streamed export reports the rows it wrote), this thread's own put back after
    MonetizeContext before = MonetizeContext.current().orElse(null);
    if (context.getProperty(CONTEXT) instanceof MonetizeContext own) {
      MonetizeContext.set(own);
    }
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
      if (writing != null) {
        writing.close();
      }
      if (before != null) {
        MonetizeContext.set(before);
      } else {
        MonetizeContext.clear();
      }
      admission.complete(sent, counting.count);
    }
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
