package dev.monetize.examples.analytics.spring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /metrics}: the Prometheus text of the application's registry (the engine's meters
 * included, bound by the starter), served to the operator only ({@code monetize.operator-only}).
 */
@RestController
public class MetricsController {
  /** The path. */
  public static final String PATH = "/metrics";
  private final PrometheusMeterRegistry registry;

  /** Scrapes {@code registry}. */
  public MetricsController(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** The scrape. */
  @GetMapping(PATH)
  public ResponseEntity<String> scrape() {
    return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8"))
        .body(registry.scrape());
  }
}
