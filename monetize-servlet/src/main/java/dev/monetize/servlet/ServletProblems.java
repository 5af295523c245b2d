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

  static int send(HttpServletResponse response, int status, byte[] body) throws IOException {
    response.setStatus(status);
    response.setContentType(Problem.MEDIA_TYPE);
    response.setContentLength(body.length);
    response.setHeader("Cache-Control", "no-store");
    response.getOutputStream().write(body);
    return body.length;
  }
}
