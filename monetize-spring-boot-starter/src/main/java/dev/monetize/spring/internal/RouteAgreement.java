package dev.monetize.spring.internal;

import dev.monetize.Decision;
import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.servlet.MonetizeFilter;
import dev.monetize.servlet.ServletProblems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Runs a handler only when Spring picked the route Monetize admitted and charged the request for:
 * two routes that both match a path ({@code /v1/{org}/reports} and {@code /v1/items/{id}} for
 * {@code /v1/items/reports}) could otherwise be billed and authorized as one and served by the other.
 * A disagreement is a mistake in the routes: answered {@code 500 internal} and logged with both.
 */
public final class RouteAgreement implements HandlerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(RouteAgreement.class);
  private final Supplier<Monetize> monetize;
  private final String servletPrefix;

  /**
   * @param monetize the engine, looked up on first use (the engine's catalog reads Spring's routes)
   * @param servletPrefix the dispatcher servlet's path ({@code spring.mvc.servlet.path}), "" for the root
   */
  public RouteAgreement(Supplier<Monetize> monetize, String servletPrefix) {
    this.monetize = monetize;
    this.servletPrefix = servletPrefix;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (!(handler instanceof HandlerMethod method)
        || !(request.getAttribute(MonetizeFilter.DECISION_ATTRIBUTE) instanceof Decision decision)
        || !decision.admitted()
        || !(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern)) {
      return true;
    }
    String admitted = decision.operation().pathTemplate();
    if ((servletPrefix + pattern).equals(admitted)) {
      return true;
    }
    String requestId = String.valueOf(request.getAttribute(MonetizeFilter.REQUEST_ID_ATTRIBUTE));
    LOG.error("request {} was admitted as operation '{}' ({}) but Spring routes it to {} ({}): two routes match "
        + "this path; make them distinct", requestId, decision.operation().id(), admitted,
        method.getShortLogMessage(), servletPrefix + pattern);
    ServletProblems.send(response, monetize.get().problem(ErrorCode.INTERNAL,
        "The service routes this path ambiguously; it was not served.", requestId));
    return false;
  }
}
