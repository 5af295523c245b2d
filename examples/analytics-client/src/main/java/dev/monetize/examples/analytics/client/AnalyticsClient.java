package dev.monetize.examples.analytics.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.examples.analytics.client.generated.ApiClient;
import dev.monetize.examples.analytics.client.generated.ApiException;
import dev.monetize.examples.analytics.client.generated.ApiResponse;
import dev.monetize.examples.analytics.client.generated.api.DefaultApi;
import dev.monetize.examples.analytics.client.generated.model.Summary;
import dev.monetize.examples.analytics.client.generated.model.Timeseries;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A thin, hand-written layer over the client generated from the service's OpenAPI document: it sets
 * the API key, returns the generated models, retries a {@code 429} after its {@code Retry-After}
 * (twice by default; a longer wait than 10 s is thrown at once so the caller decides), keeps the
 * usage of the last answer ({@link #lastUsage}), and turns every refusal into a typed
 * {@link ApiProblem} carrying the stable {@code code} and {@code retry_after} of the problem body,
 * whatever the code (one newer than this client included).
 */
public final class AnalyticsClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Waits between retries (tests record instead of waiting). */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits {@code seconds}. */
    void sleep(long seconds) throws InterruptedException;
  }

  private final DefaultApi api;
  private final int maxRetries;
  private final long maxRetryAfterSeconds;
  private final Sleeper sleeper;
  private volatile Usage lastUsage;

  /** A client of the service at {@code baseUrl} authenticated by {@code apiKey}: two retries, at most 10 s each. */
  public AnalyticsClient(String baseUrl, String apiKey) {
    this(baseUrl, apiKey, 2, 10, seconds -> Thread.sleep(seconds * 1_000));
  }

  /**
   * A client that retries a {@code 429} up to {@code maxRetries} times when its {@code Retry-After} is at
   * most {@code maxRetryAfterSeconds}, waiting with {@code sleeper}.
   */
  public AnalyticsClient(String baseUrl, String apiKey, int maxRetries, long maxRetryAfterSeconds, Sleeper sleeper) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(URI.create(baseUrl).toString());
    client.setRequestInterceptor(request -> request.header("X-API-Key", apiKey));
    this.api = new DefaultApi(client);
    this.maxRetries = maxRetries;
    this.maxRetryAfterSeconds = maxRetryAfterSeconds;
    this.sleeper = sleeper;
  }

  /** {@code GET /v1/stats/summary}. */
  public Summary summary() throws ApiProblem {
    return call(api::statsSummaryWithHttpInfo);
  }

  /** {@code GET /v1/stats/timeseries}. */
  public Timeseries timeseries() throws ApiProblem {
    return call(api::statsTimeseriesWithHttpInfo);
  }

  /** {@code GET /v1/export}: the export's status (its body is a file, not a model). */
  public int export() throws ApiProblem {
    return this.<Void>callWithStatus(api::exportWithHttpInfo).status();
  }

  /** The usage the last answer reported in its {@code RateLimit} headers (admitted or refused). */
  public Optional<Usage> lastUsage() {
    return Optional.ofNullable(lastUsage);
  }

  private interface Call<T> {
    ApiResponse<T> run() throws ApiException;
  }

  private record Answer<T>(int status, T body) {}

  private <T> T call(Call<T> call) throws ApiProblem {
    return callWithStatus(call).body();
  }

  private <T> Answer<T> callWithStatus(Call<T> call) throws ApiProblem {
    for (int attempt = 0; ; attempt++) {
      try {
        ApiResponse<T> r = call.run();
        saw(r.getHeaders());
        return new Answer<>(r.getStatusCode(), r.getData());
      } catch (ApiException e) {
        Map<String, List<String>> headers = e.getResponseHeaders() == null ? Map.of() : e.getResponseHeaders().map();
        saw(headers);
        ApiProblem p = ApiProblem.of(e.getCode(), e.getResponseBody(), headers);
        Optional<Long> after = retryAfter(first(headers, "Retry-After"));
        if (e.getCode() != 429 || attempt >= maxRetries || after.isEmpty() || after.get() > maxRetryAfterSeconds) {
          throw p;
        }
        try {
          sleeper.sleep(after.get());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw p;
        }
      }
    }
  }

  private void saw(Map<String, List<String>> headers) {
    Usage.parse(first(headers, "RateLimit"), first(headers, "RateLimit-Policy")).ifPresent(u -> lastUsage = u);
  }

  private static Optional<String> first(Map<String, List<String>> headers, String name) {
    if (headers == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
        return Optional.of(h.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /** {@code Retry-After} in seconds: a number, or an HTTP date from now; empty when absent or neither. */
  static Optional<Long> retryAfter(Optional<String> header) {
    if (header.isEmpty() || header.get().isBlank()) {
      return Optional.empty();
    }
    String v = header.get().strip();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    try {
      java.time.Instant at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant();
      return Optional.of(Math.max(0, java.time.Duration.between(java.time.Instant.now(), at).toSeconds()));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * What an answer's {@code RateLimit} header says of its tightest limit (the member with the fewest
   * units remaining), with the {@code RateLimit-Policy} header as it came.
   *
   * @param policy the limit's name, as the policy header names it
   * @param remaining units left
   * @param resetSeconds seconds until it resets
   * @param policies the {@code RateLimit-Policy} header
   */
  public record Usage(String policy, long remaining, long resetSeconds, String policies) {
    /** Parses {@code "daily";r=50;t=30, "rate";r=4;t=1}; empty when absent or in no such form. */
    static Optional<Usage> parse(Optional<String> header, Optional<String> policies) {
      Usage tightest = null;
      for (String member : header.orElse("").split(",")) {
        String[] parts = member.strip().split(";");
        if (parts.length < 2 || !parts[0].startsWith("\"") || !parts[0].endsWith("\"") || parts[0].length() < 2) {
          continue;
        }
        long r = -1;
        long t = -1;
        for (int i = 1; i < parts.length; i++) {
          String[] kv = parts[i].strip().split("=", 2);
          if (kv.length == 2 && kv[1].matches("\\d{1,18}")) {
            r = kv[0].equals("r") ? Long.parseLong(kv[1]) : r;
            t = kv[0].equals("t") ? Long.parseLong(kv[1]) : t;
          }
        }
        if (r >= 0 && (tightest == null || r < tightest.remaining())) {
          tightest = new Usage(parts[0].substring(1, parts[0].length() - 1), r, Math.max(t, 0), policies.orElse(""));
        }
      }
      return Optional.ofNullable(tightest);
    }
  }

  /** A refusal of the service, with its problem details; any code, known to this client or not. */
  public static final class ApiProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final String detail;
    private final transient Optional<Long> retryAfter;
    private final transient JsonNode problem;

    private ApiProblem(int status, String code, String detail, Optional<Long> retryAfter, JsonNode problem) {
      super(status + " " + code + ": " + detail);
      this.status = status;
      this.code = code;
      this.detail = detail;
      this.retryAfter = retryAfter;
      this.problem = problem;
    }

    static ApiProblem of(int status, String body, Map<String, List<String>> headers) {
      JsonNode p;
      try {
        p = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
      } catch (IOException parse) {
        p = JSON.createObjectNode();
      }
      if (p == null || !p.isObject()) {
        p = JSON.createObjectNode();
      }
      Optional<Long> after = p.path("retry_after").canConvertToLong() && p.path("retry_after").isIntegralNumber()
          ? Optional.of(p.path("retry_after").asLong()) : AnalyticsClient.retryAfter(first(headers, "Retry-After"));
      return new ApiProblem(status, p.path("code").asText("unknown"), p.path("detail").asText("HTTP " + status), after,
          p);
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /** The stable error code, e.g. {@code quota_exhausted}; {@code unknown} when the answer had none. */
    public String code() {
      return code;
    }

    /** What went wrong, for a person. */
    public String detail() {
      return detail;
    }

    /** Seconds to wait before retrying, when the service said. */
    public Optional<Long> retryAfter() {
      return retryAfter;
    }

    /** The request id the service gave the call, to quote to its support. */
    public Optional<String> requestId() {
      return Optional.ofNullable(problem.path("request_id").textValue());
    }

    /** The whole problem body (its members beyond the standard ones: {@code violated_policies}, {@code hint}...). */
    public JsonNode problem() {
      return problem;
    }
  }
}
