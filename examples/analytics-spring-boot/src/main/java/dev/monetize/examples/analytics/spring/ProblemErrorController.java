package dev.monetize.examples.analytics.spring;

import dev.monetize.Monetize;
import dev.monetize.errors.Problem;
import dev.monetize.http.RequestIds;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The example's error page: whatever reaches Spring Boot's {@code /error} (an Actuator endpoint not
 * exposed, a method an Actuator endpoint does not take, a failure outside the API) is RFC 9457
 * problem JSON like every other answer of the example, never the Whitelabel page or Spring's error
 * JSON, whatever the {@code Accept}. Nothing of the request or of an exception is echoed.
 */
@RestController
public class ProblemErrorController implements ErrorController {
  private final Monetize monetize;

  /** Answers with {@code monetize}'s problems. */
  public ProblemErrorController(Monetize monetize) {
    this.monetize = monetize;
  }

  /** Every method, every media type. */
  @RequestMapping("${server.error.path:${error.path:/error}}")
  public ResponseEntity<byte[]> error(HttpServletRequest request, HttpServletResponse response) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer s && s >= 400 && s <= 599 ? s : 500;
    // the id the filter gave an admitted call (its usage and audit event carry it), else the client's or a new one
    String requestId = request.getAttribute(RequestIds.ATTRIBUTE) instanceof String id ? id
        : RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
    response.setHeader(RequestIds.HEADER, requestId); // set, not added: an admitted call's answer carries it already
    return ResponseEntity.status(status).contentType(MediaType.parseMediaType(Problem.MEDIA_TYPE))
        .header("Cache-Control", "no-store").body(monetize.statusProblemJson(status, requestId));
  }
}
