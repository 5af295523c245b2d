package dev.monetize.spring.internal;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.RequestIds;
import dev.monetize.servlet.ServletProblems;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Actuator's endpoints on the application's port, which the engine leaves to Actuator (health
 * probes come without a key): a read ({@code GET}, {@code HEAD}) that announces a body is refused
 * before anything reads it. Actuator reads a body even for a read, so a caller without a key that
 * announced one and sent it slowly held a server thread for as long as it liked; it now gets
 * {@code 400 bad_request} at once, and the connection is closed without reading the body.
 */
public final class ActuatorBodies implements Filter {
  private final java.util.function.Supplier<Monetize> monetize;

  /** The guard, its problems from the engine {@code monetize} gives (asked at the first refusal, not before). */
  public ActuatorBodies(java.util.function.Supplier<Monetize> monetize) {
    this.monetize = monetize;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    String method = request.getMethod();
    boolean read = "GET".equals(method) || "HEAD".equals(method);
    if (read && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
      HttpServletResponse response = (HttpServletResponse) res;
      String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
      response.setHeader(RequestIds.HEADER, requestId);
      response.setHeader("Connection", "close"); // the body is never read: nothing waits for it
      ServletProblems.send(response, monetize.get().problem(ErrorCode.BAD_REQUEST, "A " + method + " to Actuator carries no "
          + "body.", requestId).withHint("Send the request without a body."));
      return;
    }
    chain.doFilter(req, res);
  }
}
