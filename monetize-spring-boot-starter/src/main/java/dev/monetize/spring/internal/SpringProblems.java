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
    } else if (e instanceof org.springframework.beans.TypeMismatchException t) {
      status = 400;
      detail = mismatch(t);
    } else if (e instanceof org.springframework.http.converter.HttpMessageNotReadableException
        && dev.monetize.http.BodyTooLargeException.in(e).isPresent()) { // past the limit as Jackson read it
      status = 413;
      detail = dev.monetize.http.BodyTooLargeException.detail(dev.monetize.http.BodyTooLargeException.in(e)
          .orElseThrow().limit());
    } else if (e instanceof org.springframework.web.multipart.MaxUploadSizeExceededException) {
      status = 413;
      detail = "The multipart body is larger than this service takes.";
    } else if (e instanceof org.springframework.web.multipart.MultipartException) { // the caller's malformed body
      status = 400;
      detail = "The multipart body could not be read: send well-formed multipart/form-data with its boundary.";
    } else if (e instanceof org.springframework.http.converter.HttpMessageNotReadableException) {
      status = 400;
      detail = dev.monetize.http.UnreadableJson.detail(e).orElse(
          "The request body could not be read: it is missing, not well-formed, or not what this endpoint takes.");
    } else {
      return null; // the application's exception: its handlers, or the filter's 500
    }
    if (status >= 500) {
      return null;
    }
    // a 4xx no generic code has (409, 422...) is answered as a bad request
    ErrorCode code = ErrorCode.forServerStatus(status).orElse(ErrorCode.BAD_REQUEST);
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

  /** What was wrong with a parameter, by its name and the kind of value it takes (never the value sent). */
  static String mismatch(org.springframework.beans.TypeMismatchException e) {
    String name = e.getPropertyName();
    String what = name == null ? "A parameter" : "Parameter '" + name + "'";
    Class<?> type = e.getRequiredType();
    if (type == null) {
      return what + " has a value of the wrong type.";
    }
    return what + " must be " + kind(type) + ".";
  }

  private static String kind(Class<?> type) {
    Class<?> t = org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(type);
    if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class
        || t == java.math.BigInteger.class) {
      return "a whole number";
    }
    if (t == Double.class || t == Float.class || t == java.math.BigDecimal.class) {
      return "a number";
    }
    if (t == Boolean.class) {
      return "true or false";
    }
    if (t.isEnum()) {
      return "one of " + java.util.Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name())
          .collect(java.util.stream.Collectors.joining(", "));
    }
    if (t == java.time.LocalDate.class) {
      return "a date such as 2026-12-31";
    }
    if (t == java.time.Instant.class || t == java.time.OffsetDateTime.class || t == java.time.ZonedDateTime.class) {
      return "a time such as 2026-12-31T23:59:59Z";
    }
    if (t == java.util.UUID.class) {
      return "a UUID";
    }
    return "a valid " + t.getSimpleName();
  }
}
