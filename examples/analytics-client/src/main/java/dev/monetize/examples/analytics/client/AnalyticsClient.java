package dev.monetize.examples.analytics.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.examples.analytics.client.generated.ApiClient;
import dev.monetize.examples.analytics.client.generated.ApiException;
import dev.monetize.examples.analytics.client.generated.api.DefaultApi;
import dev.monetize.examples.analytics.client.generated.model.Problem;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * A thin, hand-written layer over the client generated from the service's OpenAPI document: it sets
 * the API key and turns every refusal into a typed {@link ApiProblem} carrying the stable
 * {@code code} and {@code retry_after} of the problem body.
 */
public final class AnalyticsClient {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final DefaultApi api;

  /** A client of the service at {@code baseUrl} authenticated by {@code apiKey}. */
  public AnalyticsClient(String baseUrl, String apiKey) {
    ApiClient client = new ApiClient();
    URI base = URI.create(baseUrl);
    client.updateBaseUri(base.toString());
    client.setRequestInterceptor(request -> request.header("X-API-Key", apiKey));
    this.api = new DefaultApi(client);
  }

  /** {@code GET /v1/stats/summary}; returns the HTTP status. */
  public int summary() throws ApiProblem {
    try {
      return api.statsSummaryWithHttpInfo().getStatusCode();
    } catch (ApiException e) {
      throw ApiProblem.of(e);
    }
  }

  /** {@code GET /v1/export}; returns the HTTP status. */
  public int export() throws ApiProblem {
    try {
      return api.exportWithHttpInfo().getStatusCode();
    } catch (ApiException e) {
      throw ApiProblem.of(e);
    }
  }

  /** A refusal of the service, with its problem details. */
  public static final class ApiProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Problem problem;

    private ApiProblem(int status, Problem problem) {
      super(status + " " + (problem.getCode() == null ? "unknown" : problem.getCode().getValue()) + ": "
          + problem.getDetail());
      this.status = status;
      this.problem = problem;
    }

    static ApiProblem of(ApiException e) {
      Problem p;
      try {
        p = JSON.readValue(e.getResponseBody() == null ? "{}" : e.getResponseBody(), Problem.class);
      } catch (IOException parse) {
        p = new Problem();
        p.setDetail("unreadable error body");
      }
      return new ApiProblem(e.getCode(), p);
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /** The stable error code, e.g. {@code quota_exhausted}. */
    public String code() {
      return problem.getCode() == null ? "unknown" : problem.getCode().getValue();
    }

    /** Seconds to wait before retrying, when the service said. */
    public Optional<Integer> retryAfter() {
      return Optional.ofNullable(problem.getRetryAfter());
    }

    /** The whole problem. */
    public Problem problem() {
      return problem;
    }
  }
}
