package dev.monetize.jaxrs;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection's remote address, which JAX-RS itself does not expose, and the query string
 * exactly as the client sent it (a servlet-hosted JAX-RS runtime re-encodes a malformed one, which
 * the management API must refuse). A filter of the host hands both to the adapter for the time the
 * request is handled on its thread: {@link #servletFilter()} in front of the JAX-RS servlet (Jersey
 * or RESTEasy on Jetty, Tomcat...). Without it, client addresses are unknown: IP limits cannot tell
 * clients apart, so the adapter says so once in the log.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * context.addServlet(new ServletHolder(new ServletContainer(resourceConfig)), "/*");
 * }</pre>
 */
public final class PeerAddress {
  private static final Logger LOG = LoggerFactory.getLogger(PeerAddress.class);
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<String> RAW_QUERY = new ThreadLocal<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private PeerAddress() {}

  /**
   * A servlet filter that hands each request's remote address to the adapter while the servlet
   * chain (and so the JAX-RS dispatch) runs on its thread.
   */
  public static jakarta.servlet.Filter servletFilter() {
    return (request, response, chain) -> {
      CURRENT.set(request.getRemoteAddr());
      RAW_QUERY.set(request instanceof jakarta.servlet.http.HttpServletRequest http ? http.getQueryString() : null);
      try {
        chain.doFilter(request, response);
      } finally {
        CURRENT.remove();
        RAW_QUERY.remove();
      }
    };
  }

  /**
   * The query string of the request handled on this thread as the host received it (undecoded), or
   * {@code fallback} (what the JAX-RS runtime says) when no filter of ours runs.
   */
  static String rawQuery(String fallback) {
    String raw = RAW_QUERY.get();
    return raw != null ? raw : fallback;
  }

  /** The peer's address of the request handled on this thread, or empty text when the host does not tell. */
  static String current() {
    String current = CURRENT.get();
    if (current != null && !current.isEmpty()) {
      return current;
    }
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("the JAX-RS host does not tell client addresses: IP limits and audit cannot see them; add "
          + "PeerAddress.servletFilter() in front of the JAX-RS servlet");
    }
    return "";
  }
}
