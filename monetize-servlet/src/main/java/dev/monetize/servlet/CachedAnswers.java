package dev.monetize.servlet;

import dev.monetize.Admission;
import dev.monetize.CacheLookup;
import dev.monetize.cache.CachedResponse;
import dev.monetize.http.Compression;
import dev.monetize.http.Header;
import dev.monetize.keys.Redaction;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet side of the response cache: serving an entry (fresh, stale, or instead of a failure),
 * refreshing a stale one after the client has its answer, and storing a led miss.
 */
final class CachedAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(CachedAnswers.class);

  private CachedAnswers() {
  }

  /**
   * Serves the lookup's entry (the endpoint does not run for this client): its headers, then a
   * {@code 304} or the form the client takes, metered before the last byte can leave. When the
   * lookup refreshes a stale entry (and the request is a {@code GET}: a {@code HEAD} has no body to
   * store), the endpoint then runs with its answer captured, never sent, and its usage billed to
   * nobody: the client's call is a cache hit.
   */
  static void serve(HttpServletRequest request, HttpServletResponse response, Admission admission, CacheLookup cache,
      FilterChain chain, MeteredRequest metered) throws IOException {
    int status = 304;
    long bytes = 0;
    boolean refreshing = cache.refreshing() && "GET".equals(request.getMethod());
    try {
      if (!CacheLookup.notModified(request.getHeader("If-None-Match"), cache.hit().orElseThrow())) {
        status = cache.hit().get().status();
        bytes = "HEAD".equals(request.getMethod()) ? 0 : cache.representation().orElseThrow().bytes().length;
      }
      if (refreshing && request.getProtocol().startsWith("HTTP/1")) {
        // the refresh holds this connection after the answer: the client's next request takes another
        response.setHeader("Connection", "close");
      }
      admission.complete(status, bytes);
      write(request, response, cache, status);
      if (refreshing) {
        response.flushBuffer(); // the client has its whole answer now
        refresh(metered.forRefresh(), response, cache, chain);
      }
    } finally {
      cache.abandon(); // a refresh that did not store (or a HEAD) lands: the next stale request tries again
      admission.complete(status, bytes);
    }
  }

  /** Writes the lookup's entry as the answer: {@code status} 304 (no body) or the entry's own. */
  private static void write(HttpServletRequest request, HttpServletResponse response, CacheLookup cache, int status)
      throws IOException {
    for (Header h : cache.headers()) {
      MonetizeFilter.put(response, h);
    }
    CachedResponse.Representation form = cache.representation().orElseThrow();
    response.setStatus(status);
    if (status == 304) {
      // the length a 200 would have (RFC 9110 8.6), not the container's Content-Length: 0 of an empty answer
      response.setContentLength(form.bytes().length);
      varyOf(cache.storedHeaders()).forEach(h -> MonetizeFilter.put(response, h)); // the Vary a 200 would have
      return;
    }
    replay(response, cache.storedHeaders());
    response.setContentType(cache.hit().orElseThrow().contentType());
    form.contentEncoding().ifPresent(e -> response.setHeader("Content-Encoding", e));
    response.setContentLength(form.bytes().length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(form.bytes());
    }
  }

  /** Sets the stored answer's own headers: each name replaced, {@code Link} merged with the engine's. */
  private static void replay(HttpServletResponse response, List<Header> stored) {
    Set<String> set = new HashSet<>();
    for (Header h : stored) {
      if (h.merges()) {
        MonetizeFilter.put(response, h);
      } else if (set.add(h.name().toLowerCase(Locale.ROOT))) {
        response.setHeader(h.name(), h.value());
      } else {
        response.addHeader(h.name(), h.value());
      }
    }
  }

  /** The stored answer's own {@code Vary} (an answer stored for one origin varies by it). */
  static List<Header> varyOf(List<Header> stored) {
    return stored.stream().filter(h -> h.name().equalsIgnoreCase("Vary")).toList();
  }

  /** The response's headers as they stand, each value apart, for {@link CacheLookup#store} to choose from. */
  static List<Header> headersOf(HttpServletResponse response) {
    List<Header> headers = new ArrayList<>();
    for (String name : response.getHeaderNames()) {
      for (String value : response.getHeaders(name)) {
        headers.add(new Header(name, value));
      }
    }
    return headers;
  }

  /** Runs the endpoint for a stale entry whose client was answered, and stores its answer. */
  private static void refresh(MeteredRequest request, HttpServletResponse response, CacheLookup cache,
      FilterChain chain) {
    DetachedResponse detached = new DetachedResponse(response);
    try {
      dev.monetize.TenantContext.Scope tenant = dev.monetize.TenantContext.open(request.tenant());
      try {
        chain.doFilter(request, detached);
      } finally {
        tenant.close();
      }
      if (!request.isAsyncStarted() && detached.storable()) {
        cache.store(detached.getStatus(), detached.getContentType(), detached.body(), headersOf(detached));
      }
    } catch (IOException | ServletException | RuntimeException e) {
      LOG.warn("refreshing a stale cache entry failed; it is served until it expires", Redaction.redact(e));
    }
  }

  /**
   * A led (or fallback-holding) miss answered: a 200 is stored and sent with its entry's headers
   * (or a {@code 304}); a server error, held back or written, is replaced by the stale entry when
   * there is one; anything else goes out as the application wrote it.
   */
  static void sendCaptured(HttpServletRequest request, MeteredResponse metered, CapturingResponse capturing,
      CacheLookup cache) throws IOException {
    if (!capturing.capturing() || capturing.errorSent()) {
      cache.abandon(); // too large to hold back (it went out as written), or the container answers
      return;
    }
    byte[] body = capturing.body();
    int status = capturing.heldError() != 0 ? capturing.heldError() : metered.getStatus();
    String type = metered.getContentType();
    if (cache.insteadOfError(status).isPresent()) {
      sendStale(request, metered, cache);
      return;
    }
    if (capturing.heldError() != 0) { // held for a stale answer that is no longer there: the container answers
      cache.abandon();
      metered.sendError(capturing.heldError());
      return;
    }
    long declared = capturing.declaredLength();
    if (declared >= 0 && declared != body.length) { // broken (a body cut short): never stored, the container judges it
      cache.abandon();
      metered.setContentLengthLong(declared);
      metered.getOutputStream().write(body);
      return;
    }
    if (status != 200 || !cache.storing() || !"GET".equals(request.getMethod())
        || metered.getHeader("Content-Encoding") != null) {
      cache.abandon(); // not stored: what was written goes out as it was
      if (body.length > 0) {
        metered.setContentLength(body.length);
        metered.getOutputStream().write(body);
      }
      return;
    }
    cache.store(status, type, body, headersOf(metered));
    if (cache.representation().isEmpty()) { // not stored (it varies by a header outside the key): as written
      metered.setContentLength(body.length);
      metered.getOutputStream().write(body);
      return;
    }
    for (Header h : cache.headers()) {
      MonetizeFilter.put(metered, h);
    }
    CachedResponse.Representation form = cache.representation().orElseThrow();
    if (cache.notModified(request.getHeader("If-None-Match"))) {
      metered.setStatus(304); // the client holds this very answer already
      metered.setContentLength(form.bytes().length); // as in write: what a 200 would have sent
      return;
    }
    form.contentEncoding().ifPresent(e -> {
      metered.setHeader("Content-Encoding", e);
      metered.setHeader("Vary", Compression.varyWithAcceptEncoding(metered.getHeader("Vary")));
    });
    metered.setContentLength(form.bytes().length);
    if (form.bytes().length > 0) {
      metered.getOutputStream().write(form.bytes());
    }
  }

  /** Headers of a failure that are not the stale answer's. */
  private static final String[] FAILURE_HEADERS = {"Content-Encoding", "Content-Length", "Retry-After", "Set-Cookie",
      "Content-Disposition", "Location"};

  /** Sends the stale entry the lookup chose instead of a failure ({@link CacheLookup#insteadOfError}). */
  static void sendStale(HttpServletRequest request, HttpServletResponse response, CacheLookup cache)
      throws IOException {
    for (String h : FAILURE_HEADERS) {
      if (response.containsHeader(h)) {
        response.setHeader(h, null);
      }
    }
    boolean notModified = CacheLookup.notModified(request.getHeader("If-None-Match"), cache.hit().orElseThrow());
    write(request, response, cache, notModified ? 304 : 200);
  }
}
