package dev.monetize.examples.analytics.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.Principal;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.ProblemJson;
import dev.monetize.examples.analytics.DemoService;
import dev.monetize.examples.analytics.StoreOutage;
import dev.monetize.examples.analytics.domain.BadInputException;
import dev.monetize.examples.analytics.domain.EventParser;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.examples.analytics.domain.Events;
import dev.monetize.examples.analytics.domain.StoreUnavailableException;
import dev.monetize.servlet.MonetizeFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The example's endpoints as Spring MVC handlers. They know nothing of keys or limits: the
 * operations are the plans file's routes, the caller is an argument, and every query is partitioned
 * by the caller's customer id.
 */
@RestController
public class AnalyticsController {
  /** Largest accepted ingest body (the plans file's body limit refuses larger ones first). */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final EventStore store;
  private final Clock clock;
  private final Monetize monetize;
  private final EventParser parser;
  private final ObjectMapper json = DemoService.json();

  /** The store, the clock and the engine (for the problems it formats). */
  public AnalyticsController(EventStore store, Clock clock, Monetize monetize) {
    this.store = store;
    this.clock = clock;
    this.monetize = monetize;
    this.parser = new EventParser(clock);
    store.onChange(tenant -> monetize.cache().invalidate(tenant, "stats")); // its summary says something new now
  }

  /** {@code POST /v1/events}: newline-delimited or array JSON events. */
  @PostMapping("/v1/events")
  public ResponseEntity<byte[]> ingest(Principal caller, HttpServletRequest request) throws IOException {
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      return problem(ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + MAX_BODY_BYTES + " bytes.",
          ErrorCode.PAYLOAD_TOO_LARGE.hint(), request);
    }
    int accepted = store.append(caller.customerId(), parser.parse(body));
    return json(202, new dev.monetize.examples.analytics.domain.Accepted(accepted));
  }

  /** {@code GET /v1/stats/summary}. */
  @GetMapping("/v1/stats/summary")
  public ResponseEntity<byte[]> summary(Principal caller) throws IOException {
    return json(200, store.summary(caller.customerId()));
  }

  /** {@code GET /v0/stats/summary}: deprecated, the same answer until its sunset. */
  @GetMapping("/v0/stats/summary")
  public ResponseEntity<byte[]> summaryV0(Principal caller) throws IOException {
    return json(200, store.summary(caller.customerId()));
  }

  /** {@code GET /v1/stats/timeseries?from=&to=&interval=}. */
  @GetMapping("/v1/stats/timeseries")
  public ResponseEntity<byte[]> timeseries(Principal caller,
      @RequestParam org.springframework.util.MultiValueMap<String, String> query) throws IOException {
    // every value as sent (a List<String> parameter would split one value at its commas)
    return json(200, Events.timeseriesAnswer(store, caller.customerId(), query.get("from"), query.get("to"),
        query.get("interval"), clock));
  }

  /** {@code GET /v1/export}: every event of the caller as NDJSON, streamed. */
  @GetMapping("/v1/export")
  public void export(Principal caller, HttpServletResponse response) throws IOException {
    response.setContentType("application/x-ndjson");
    response.setCharacterEncoding("UTF-8");
    store.export(caller.customerId(), response.getOutputStream());
  }

  /** Bad input is the caller's mistake: {@code 400 bad_request}, naming the field. */
  @ExceptionHandler(BadInputException.class)
  public ResponseEntity<byte[]> badInput(BadInputException e, HttpServletRequest request) {
    return problem(ErrorCode.BAD_REQUEST, e.getMessage(), e.hint(), request);
  }

  /** An unreachable event store is an outage, not a bug: {@code 503 store_unavailable} with {@code Retry-After}. */
  @ExceptionHandler(StoreUnavailableException.class)
  public ResponseEntity<byte[]> unavailable(StoreUnavailableException e, HttpServletRequest request) {
    String requestId = String.valueOf(request.getAttribute(MonetizeFilter.REQUEST_ID_ATTRIBUTE));
    return ResponseEntity.status(ErrorCode.STORE_UNAVAILABLE.status()).header("Retry-After", StoreOutage.RETRY_AFTER)
        .contentType(MediaType.parseMediaType("application/problem+json"))
        .body(ProblemJson.toBytes(StoreOutage.problem(monetize, e, requestId)));
  }

  private ResponseEntity<byte[]> json(int status, Object body) throws IOException {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsBytes(body));
  }

  private ResponseEntity<byte[]> problem(ErrorCode code, String detail, String hint, HttpServletRequest request) {
    String requestId = String.valueOf(request.getAttribute(MonetizeFilter.REQUEST_ID_ATTRIBUTE));
    return ResponseEntity.status(code.status()).contentType(MediaType.parseMediaType("application/problem+json"))
        .body(ProblemJson.toBytes(monetize.problem(code, detail, requestId).withHint(hint)));
  }
}
