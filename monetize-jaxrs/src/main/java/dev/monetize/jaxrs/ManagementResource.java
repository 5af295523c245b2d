package dev.monetize.jaxrs;

import dev.monetize.management.ManagementApi;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.http.Header;
import dev.monetize.http.RequestIds;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves the management API ({@link ManagementApi}: organizations, projects, keys, tokens, the
 * pricing page) under {@code /monetize} on JAX-RS, by handing each request to the core, exactly as
 * the servlet filter does. Register it beside {@link MonetizeFeature}: the class, with the engine
 * in the application property {@link MonetizeJaxrs#ENGINE_PROPERTY} (no warning on Jersey), or an
 * instance. The engine's management prefix must be the default {@code /monetize}.
 */
@Path("monetize")
public final class ManagementResource {
  private final Monetize monetize;

  /** Serves the management API of the engine in the application property {@link MonetizeJaxrs#ENGINE_PROPERTY}. */
  public ManagementResource(@Context jakarta.ws.rs.core.Configuration configuration) {
    this(MonetizeJaxrs.engine(configuration));
  }

  /** Serves {@code monetize}'s management API. */
  public ManagementResource(Monetize monetize) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
    if (!monetize.managementPrefix().equals("/monetize")) {
      throw new IllegalArgumentException("ManagementResource serves /monetize; the engine's prefix is "
          + monetize.managementPrefix());
    }
  }

  /** GET requests. */
  @GET
  @Path("{path: .*}")
  public Response get(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers) {
    return handle(request.getMethod(), uri, headers, InputStream.nullInputStream());
  }

  /**
   * HEAD requests: answered by the management API like any other method (its routes take none:
   * {@code 405}, as on the servlet adapter), never run as a GET by the JAX-RS runtime.
   */
  @HEAD
  @Path("{path: .*}")
  public Response head(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers) {
    return handle(request.getMethod(), uri, headers, InputStream.nullInputStream());
  }

  /** POST requests. */
  @POST
  @Path("{path: .*}")
  public Response post(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
    return handle(request.getMethod(), uri, headers, body);
  }

  /** PUT requests (answered 405 by the API where not supported). */
  @PUT
  @Path("{path: .*}")
  public Response put(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
    return handle(request.getMethod(), uri, headers, body);
  }

  /** PATCH requests. */
  @PATCH
  @Path("{path: .*}")
  public Response patch(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
    return handle(request.getMethod(), uri, headers, body);
  }

  /**
   * OPTIONS requests: answered by the management API like any other method (so an unknown path is
   * {@code 404} and a known one says its methods in {@code Allow}), never by the JAX-RS runtime.
   */
  @OPTIONS
  @Path("{path: .*}")
  public Response options(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers) {
    return handle(request.getMethod(), uri, headers, InputStream.nullInputStream());
  }

  /** DELETE requests. */
  @DELETE
  @Path("{path: .*}")
  public Response delete(@Context Request request, @Context UriInfo uri, @Context HttpHeaders headers) {
    return handle(request.getMethod(), uri, headers, InputStream.nullInputStream());
  }

  /** The part of the request path before the application's own paths (the servlet context, the application path). */
  private static String contextPath(UriInfo uri) {
    String base = uri.getBaseUri().getRawPath();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private Response handle(String method, UriInfo uri, HttpHeaders headers, InputStream body) {
    String path = "/" + uri.getPath();
    String requestId = RequestIds.acceptOrCreate(headers.getHeaderString(RequestIds.HEADER));
    String repeated = AdmissionFilter.repeatedCredential(headers.getRequestHeaders());
    if (repeated != null) { // after the shield: a denied or banned address learns nothing else
      return monetize.refuseByShield(ApiRequest.of(method, path, monetize.clientAddress(PeerAddress.current(),
              headers.getHeaderString("Forwarded"), headers.getHeaderString("X-Forwarded-For")), requestId, null, null))
          .map(answer -> Refusals.of(answer, requestId))
          .orElseGet(() -> problem(dev.monetize.errors.ErrorCode.BAD_REQUEST, AdmissionFilter.repeatedDetail(repeated),
              requestId));
    }
    ManagementApi.Request call = ManagementApi.Request.withRawQuery(method,
        path.replace("//", "/"), PeerAddress.rawQuery(uri.getRequestUri().getRawQuery()),
        Optional.ofNullable(headers.getHeaderString("Authorization")),
        Optional.ofNullable(headers.getHeaderString("X-API-Key")), new byte[0], monetize.clientAddress(
            PeerAddress.current(), headers.getHeaderString("Forwarded"), headers.getHeaderString("X-Forwarded-For")),
        requestId)
        .withUserAgent(headers.getHeaderString("User-Agent"))
        .withIdempotencyKey(headers.getHeaderString("Idempotency-Key")) // two are joined with ',': refused
        .withBrowser(ManagementApi.Browser.of(String.join("; ", headers.getRequestHeader("Cookie") == null
            ? java.util.List.of() : headers.getRequestHeader("Cookie")), headers.getHeaderString(
                ManagementApi.Browser.MARKER), headers.getHeaderString("Sec-Fetch-Site"),
            monetize.secureRequest("https".equalsIgnoreCase(uri.getRequestUri().getScheme()), PeerAddress.current(),
                headers.getHeaderString("Forwarded"), headers.getHeaderString("X-Forwarded-Proto")),
            contextPath(uri)));
    // refused whatever the body (too large as declared, no route, no valid credential): left unread
    ManagementApi.Response answer = monetize.managementApi().answerBeforeBody(call, declaredLength(headers))
        .orElse(null);
    boolean unread = answer != null && (declaredLength(headers) > 0 || headers.getHeaderString("Transfer-Encoding") != null);
    if (answer == null) {
      byte[] bytes;
      try {
        bytes = body.readNBytes(ManagementApi.MAX_BODY_BYTES + 1);
      } catch (IOException | RuntimeException e) { // the client stopped sending what it announced, or sent it too slowly
        if (e instanceof RuntimeException r && !dev.monetize.http.UnreadBody.fromTheClient(r)) {
          throw r; // a failure of the container: not the client's to be told 400
        }
        return problem(dev.monetize.http.UnreadBody.code(e), dev.monetize.http.UnreadBody.detail(e), requestId);
      }
      answer = monetize.managementApi().handle(call.withBody(bytes));
    }
    Response.ResponseBuilder rb = Response.status(answer.status()).type(answer.contentType())
        .entity(entity(answer)).header(RequestIds.HEADER, requestId);
    if (unread) {
      rb.header("Connection", "close"); // the body announced stays unread
    }
    for (Header h : answer.headers()) {
      rb.header(h.name(), h.value());
    }
    return rb.build();
  }

  /**
   * The answer's body; one that holds something until it is written (an audit export) is written by
   * the runtime through an output that lets go of it once the last byte is out, or the write failed
   * (a body the runtime never writes lets go when it is collected). The runtime frames it (chunked):
   * a length set here would be wrong once an interceptor encodes it.
   */
  private static Object entity(ManagementApi.Response answer) {
    if (!answer.holdsUntilSent()) {
      return answer.body();
    }
    return (jakarta.ws.rs.core.StreamingOutput) out -> {
      try {
        out.write(answer.body());
      } finally {
        answer.sent();
      }
    };
  }

  /** The body's declared length: -1 when none (or not a number), past a {@code long} the largest one. */
  private static long declaredLength(HttpHeaders headers) {
    String v = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH); // getLength() is an int
    if (v == null || v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private Response problem(dev.monetize.errors.ErrorCode code, String detail, String requestId) {
    return Response.status(code.status()).type(dev.monetize.errors.Problem.MEDIA_TYPE)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff").header("Connection", "close").header(RequestIds.HEADER, requestId)
        .entity(dev.monetize.errors.ProblemJson.toBytes(monetize.problem(code, detail, requestId))).build();
  }
}
