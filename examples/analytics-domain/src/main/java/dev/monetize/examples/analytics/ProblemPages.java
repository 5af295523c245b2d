package dev.monetize.examples.analytics;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
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
    Optional<ErrorCode> code = codeOf(status);
    if (code.isPresent()) {
      return ProblemJson.toBytes(monetize.problem(code.get(), detail(code.get()), RequestIds.newId()));
    }
    String title = HttpStatus.getMessage(status);
    return ("{\"type\":\"about:blank\",\"title\":\"" + title.replace("\"", "") + "\",\"status\":" + status + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Optional<ErrorCode> codeOf(int status) {
    return switch (status) {
      case 400 -> Optional.of(ErrorCode.BAD_REQUEST);
      case 404 -> Optional.of(ErrorCode.NOT_FOUND);
      case 405 -> Optional.of(ErrorCode.METHOD_NOT_ALLOWED);
      case 406 -> Optional.of(ErrorCode.NOT_ACCEPTABLE);
      case 415 -> Optional.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
      case 411 -> Optional.of(ErrorCode.LENGTH_REQUIRED);
      case 413 -> Optional.of(ErrorCode.PAYLOAD_TOO_LARGE);
      case 414 -> Optional.of(ErrorCode.URI_TOO_LONG);
      case 431 -> Optional.of(ErrorCode.HEADERS_TOO_LARGE);
      case 500 -> Optional.of(ErrorCode.INTERNAL);
      default -> Optional.empty();
    };
  }

  private static String detail(ErrorCode code) {
    return code == ErrorCode.BAD_REQUEST
        ? "The server could not read this request (its path, headers or body); send it well-formed."
        : code.title() + ".";
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
