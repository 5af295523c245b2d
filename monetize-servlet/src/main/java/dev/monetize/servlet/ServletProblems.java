package dev.monetize.servlet;

import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes a {@link Problem} as the response, for the filter's refusals and for the application's
 * own errors (so both look the same to clients).
 *
 * <pre>{@code
 * ServletProblems.send(response, monetize.problem(ErrorCode.BAD_REQUEST, "'from' must be before 'to'", requestId));
 * }</pre>
 */
public final class ServletProblems {
  private ServletProblems() {}

  /** Sends {@code problem} with its status; returns the number of body bytes written. */
  public static int send(HttpServletResponse response, Problem problem) throws IOException {
    return send(response, problem.status(), ProblemJson.toBytes(problem));
  }

  /** Headers the application set about a body that a problem now replaces: they would describe the wrong one. */
  private static final String[] BODY_HEADERS = {"Content-Encoding", "Content-Language", "Content-Range",
      "Content-Disposition", "Content-Location", "Location", "ETag", "Last-Modified", "Expires"};

  /**
   * Drops what the application said about a body it no longer sends (its encoding, ETag, charset...),
   * before a problem replaces it. Headers about the request (Retry-After, WWW-Authenticate, Allow,
   * Vary) stay. The response must not be committed.
   */
  static void dropBodyHeaders(HttpServletResponse response) {
    for (String h : BODY_HEADERS) {
      if (response.containsHeader(h)) {
        response.setHeader(h, null);
      }
    }
    String type = response.getContentType();
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).contains("charset=")) {
      response.setCharacterEncoding("UTF-8"); // the problem's own, not the charset the application chose
    }
  }

  static int send(HttpServletResponse response, int status, byte[] body) throws IOException {
    if (!response.isCommitted()) {
      dropBodyHeaders(response);
    }
    response.setStatus(status);
    response.setContentType(Problem.MEDIA_TYPE);
    response.setContentLength(body.length);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff"); // a detail may quote the request's path
    response.getOutputStream().write(body);
    return body.length;
  }
}
