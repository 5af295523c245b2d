package dev.monetize.spring.tomcat;

import dev.monetize.Monetize;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.RequestIds;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * The answers Tomcat makes itself, before any filter runs (an encoded {@code /} or a malformed
 * escape in the path, too many cookies, a {@code TRACE}), as RFC 9457 problem JSON like every other
 * answer of the API, instead of Tomcat's HTML page: the host's error report valve is replaced by one
 * that writes the engine's problem for the status ({@link Monetize#serverProblem}), or an
 * {@code about:blank} problem for a status no code has. Nothing of the request or of an exception is
 * echoed; a response the application already wrote to is left alone, as Tomcat's own valve does.
 */
public final class TomcatProblemPages {
  private TomcatProblemPages() {}

  /**
   * Replaces the error report valve of {@code context}'s host (Spring Boot's, or the one Tomcat would
   * add) with the problem valve; {@code monetize} is asked for the engine when an error is reported.
   * A body nobody read is not read after the answer ({@link ProblemValve#closeIfBodyUnread}).
   */
  public static void install(Context context, Supplier<Optional<Monetize>> monetize) {
    install(context, monetize, true);
  }

  /**
   * The same; {@code closeUnreadBodies} false leaves a body nobody read to Tomcat's swallow (its
   * {@code maxSwallowSize}), as when {@code server.tomcat.max-swallow-size} is set.
   */
  public static void install(Context context, Supplier<Optional<Monetize>> monetize, boolean closeUnreadBodies) {
    Container parent = context.getParent();
    if (parent == null) {
      return;
    }
    boolean installed = false;
    for (Valve v : parent.getPipeline().getValves()) {
      if (v instanceof ProblemValve) {
        installed = true; // another context of the host installed it already
      } else if (v instanceof ErrorReportValve) {
        parent.getPipeline().removeValve(v);
      }
    }
    if (!installed) {
      parent.getPipeline().addValve(new ProblemValve(monetize, closeUnreadBodies));
    }
    if (parent instanceof StandardHost host) {
      host.setErrorReportValveClass(ProblemValve.class.getName()); // so that the host adds no HTML valve
    }
  }

  /** The problem JSON of {@code status}. */
  static byte[] body(Optional<Monetize> monetize, int status, String requestId) {
    return monetize.map(m -> m.statusProblemJson(status, requestId)).orElseGet(() -> ProblemJson.aboutBlank(status));
  }

  /** Tomcat's error report valve, writing problem JSON. */
  public static final class ProblemValve extends ErrorReportValve {
    private final Supplier<Optional<Monetize>> monetize;
    private final boolean closeUnreadBodies;

    /** Without an engine (as the host would create it by class name): {@code about:blank} problems only. */
    public ProblemValve() {
      this(Optional::empty, true);
    }

    ProblemValve(Supplier<Optional<Monetize>> monetize, boolean closeUnreadBodies) {
      this.monetize = monetize;
      this.closeUnreadBodies = closeUnreadBodies;
    }

    /**
     * A {@code TRACE} Tomcat refused before mapping ({@code 405}, its {@code Allow} kept) is answered
     * here: the application's error page would get the request as a {@code TRACE} too, which Spring's
     * dispatcher does not hand to a controller, and the answer would go out empty.
     */
    @Override
    public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
      if (response.isError() && response.getStatus() == 405 && "TRACE".equalsIgnoreCase(request.getMethod())) {
        response.setSuspended(false);
        report(request, response, null);
        return;
      }
      try {
        super.invoke(request, response);
      } finally {
        if (closeUnreadBodies) {
          closeIfBodyUnread(request);
        }
      }
    }

    /**
     * A body the request announced and nobody read (a request refused before its body, or an endpoint
     * that read none of it) is not read after the answer either: Tomcat closes the connection instead.
     * Tomcat would otherwise read it on the request thread (up to {@code max-swallow-size}, and at
     * least once whatever that size), each byte restarting its timeout, so a client without a key held
     * a thread for as long as it kept sending a byte now and then. A body an endpoint read part of
     * (a JSON reader stops at its last brace, before a chunked body's last chunk) is left to Tomcat,
     * which reads the rest and keeps the connection.
     */
    static void closeIfBodyUnread(Request request) {
      org.apache.coyote.Request coyote = request.getCoyoteRequest();
      if (request.isAsyncStarted() || coyote == null
          || announcedLength(request) <= 0 && request.getHeader("Transfer-Encoding") == null) {
        return; // no body announced, or one an asynchronous endpoint may still read
      }
      java.util.concurrent.atomic.AtomicBoolean read = new java.util.concurrent.atomic.AtomicBoolean(true);
      coyote.action(org.apache.coyote.ActionCode.REQUEST_BODY_FULLY_READ, read);
      int status = coyote.getResponse().getStatus();
      if (read.get() || status < 400 && coyote.getBytesRead() > 0) {
        return;
      }
      coyote.action(org.apache.coyote.ActionCode.DISABLE_SWALLOW_INPUT, null);
      coyote.getResponse().setStatus(status); // the action marks the exchange failed (500 below 400): the answer stays
    }

    /**
     * The {@code Content-Length} the request announced; a malformed one (not a number, several that
     * differ), which Tomcat answers {@code 400}, counts as a body of unknown length: the connection is
     * closed instead of reading it (reading its length threw, and Tomcat logged each such request at
     * {@code ERROR} with a stack trace: a log flood for anyone without a key).
     */
    private static long announcedLength(Request request) {
      try {
        return request.getContentLengthLong();
      } catch (IllegalArgumentException e) {
        return Long.MAX_VALUE;
      }
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      // as Tomcat's own: not for a success, nor after the application wrote, nor twice
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      // the id the filter gave an admitted call (its usage and audit event carry it), else the client's or a new one
      Object admitted = request.getAttribute(RequestIds.ATTRIBUTE);
      String requestId = admitted instanceof String id ? id : RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
      byte[] body = body(engine(), status, requestId);
      try {
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader(RequestIds.HEADER, requestId);
        response.setContentLength(body.length);
        Writer writer = response.getReporter();
        if (writer != null) { // null: already committed
          writer.write(new String(body, StandardCharsets.UTF_8));
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // the client is gone, or the response was committed meanwhile: nothing more to say
      }
    }

    private Optional<Monetize> engine() {
      try {
        return monetize.get();
      } catch (RuntimeException e) { // the application context is closing or failed to start
        return Optional.empty();
      }
    }
  }
}
