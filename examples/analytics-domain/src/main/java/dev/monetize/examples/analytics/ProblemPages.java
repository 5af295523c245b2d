package dev.monetize.examples.analytics;

import dev.monetize.Monetize;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty makes itself (a request it cannot parse, a URI or headers too long, a path it
 * finds ambiguous before any filter sees it) as RFC 9457 problem JSON, like every other answer of
 * the examples, instead of Jetty's HTML pages. A status the engine has a code for carries it
 * ({@code bad_request}, {@code not_found}...); any other is an {@code about:blank} problem, its title the
 * status's reason. Nothing of the request or of an exception is echoed.
 */
public final class ProblemPages {
  private ProblemPages() {}

  /** Installs the problem pages on the server (connection-level errors) and on the servlet context. */
  public static void install(Server server, ServletContextHandler context, Monetize monetize) {
    server.setErrorHandler(new ServerPages(monetize));
    context.setErrorHandler(new ContextPages(monetize));
  }

  /** The problem JSON of {@code status}. */
  static byte[] body(Monetize monetize, int status) {
    return monetize.statusProblemJson(status, RequestIds.newId());
  }

  /** Errors Jetty answers before any context: bad messages, and anything the server itself fails. */
  private static final class ServerPages extends org.eclipse.jetty.server.handler.ErrorHandler {
    private final Monetize monetize;

    ServerPages(Monetize monetize) {
      this.monetize = monetize;
    }

    /** Every method gets its problem, not only GET, POST and HEAD (Jetty's default). */
    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(body(monetize, code)), callback);
    }
  }

  /** Errors answered inside the servlet context (an ambiguous path, a servlet's {@code sendError}). */
  private static final class ContextPages extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
    private final Monetize monetize;

    ContextPages(Monetize monetize) {
      this.monetize = monetize;
    }

    /** Every method gets its problem, not only GET, POST and HEAD (Jetty's default). */
    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    @Override
    protected void generateAcceptableResponse(ServletContextRequest baseRequest, HttpServletRequest request,
        HttpServletResponse response, int code, String message) throws IOException {
      byte[] body = body(monetize, code);
      response.setContentType(Problem.MEDIA_TYPE);
      response.setHeader("Cache-Control", "no-store");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
