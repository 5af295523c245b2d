package dev.monetize.spring.internal;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.servlet.MonetizeFilter;
import dev.monetize.servlet.ServletProblems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;
import org.springframework.core.Ordered;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Spring MVC's own refusals of a request Monetize admitted (a missing or malformed parameter, an
 * unreadable body, a media type it cannot produce) answered as Monetize's problem JSON with the
 * request id, like every other refusal of the API, instead of Spring Boot's error page. Requests
 * outside the API keep the application's error handling.
 */
public final class SpringProblems implements HandlerExceptionResolver, Ordered {
  private final Supplier<Monetize> monetize;

  /** @param monetize the engine, looked up on first use */
  public SpringProblems(Supplier<Monetize> monetize) {
    this.monetize = monetize;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
      Exception e) {
    if (request.getAttribute(MonetizeFilter.DECISION_ATTRIBUTE) == null || response.isCommitted()) {
      return null; // not the API's, or too late
    }
    int status;
    String detail;
    if (e instanceof ErrorResponse r) {
      status = r.getStatusCode().value();
      detail = r.getBody().getDetail();
    } else if (e instanceof org.springframework.beans.TypeMismatchException
        || e instanceof org.springframework.http.converter.HttpMessageNotReadableException) {
      status = 400;
      detail = null;
    } else {
      return null; // the application's exception: its handlers, or the filter's 500
    }
    if (status >= 500) {
      return null;
    }
    ErrorCode code = switch (status) {
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      default -> ErrorCode.BAD_REQUEST;
    };
    String requestId = String.valueOf(request.getAttribute(MonetizeFilter.REQUEST_ID_ATTRIBUTE));
    try {
      response.resetBuffer();
      ServletProblems.send(response, monetize.get().problem(code,
          detail == null || detail.isBlank() ? "The request could not be read: check its parameters and body." : detail,
          requestId));
    } catch (IOException io) {
      return null;
    }
    return new ModelAndView(); // handled: nothing more to render
  }
}
