package dev.monetize.jaxrs;

import dev.monetize.Admission;
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
 * <p>The filter also sees the request thread return: a call the resource left to another thread
 * ({@code @Suspended AsyncResponse}, a {@code CompletionStage}) is metered with the CPU time its
 * request thread spent on it up to then ({@code cpu_ms}), and the thread leaves the call's tenant and
 * {@link MonetizeContext} behind it (without the filter, they are cleared when the thread's next
 * JAX-RS request starts).
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * context.addServlet(new ServletHolder(new ServletContainer(resourceConfig)), "/*");
 * }</pre>
 */
public final class PeerAddress {
  private static final Logger LOG = LoggerFactory.getLogger(PeerAddress.class);
  /** The request the host's filter is handling on this thread (one holder per request). */
  private static final ThreadLocal<Handled> CURRENT = new ThreadLocal<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private PeerAddress() {}

  /** What the host's filter knows of the request on its thread, and the call the adapter admitted for it. */
  private static final class Handled {
    final String address;
    final String rawQuery;
    Admission admission;

    Handled(String address, String rawQuery) {
      this.address = address;
      this.rawQuery = rawQuery;
    }
  }

  /**
   * A servlet filter that hands each request's remote address to the adapter while the servlet
   * chain (and so the JAX-RS dispatch) runs on its thread, and finishes the thread's part of the call
   * when the chain returns. Register it for {@code REQUEST} dispatches, in front of the JAX-RS servlet.
   */
  public static jakarta.servlet.Filter servletFilter() {
    return (request, response, chain) -> {
      Handled handled = new Handled(request.getRemoteAddr(),
          request instanceof jakarta.servlet.http.HttpServletRequest http ? http.getQueryString() : null);
      Handled outer = CURRENT.get();
      CURRENT.set(handled);
      try {
        chain.doFilter(request, response);
      } finally {
        if (outer == null) {
          CURRENT.remove();
        } else {
          CURRENT.set(outer);
        }
        Admission admission = handled.admission;
        if (admission != null && !admission.completed()) { // answered later, on another thread
          admission.handedOff();
        }
        AdmissionFilter.leaveThread();
      }
    };
  }

  /** The adapter admitted {@code admission} for the request handled on this thread. */
  static void admitted(Admission admission) {
    Handled handled = CURRENT.get();
    if (handled != null) {
      handled.admission = admission;
    }
  }

  /**
   * The query string of the request handled on this thread as the host received it (undecoded), or
   * {@code fallback} (what the JAX-RS runtime says) when no filter of ours runs.
   */
  static String rawQuery(String fallback) {
    Handled handled = CURRENT.get();
    return handled != null && handled.rawQuery != null ? handled.rawQuery : fallback;
  }

  /** The peer's address of the request handled on this thread, or empty text when the host does not tell. */
  static String current() {
    Handled handled = CURRENT.get();
    if (handled != null && handled.address != null && !handled.address.isEmpty()) {
      return handled.address;
    }
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("the JAX-RS host does not tell client addresses: IP limits and audit cannot see them; add "
          + "PeerAddress.servletFilter() in front of the JAX-RS servlet");
    }
    return "";
  }
}
