package dev.monetize.examples.analytics.jaxrs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.Monetized;
import dev.monetize.jaxrs.MonetizeContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;

/**
 * The deprecated {@code /v0} of the summary: the same answer as {@code /v1}, with {@code Deprecation},
 * {@code Sunset} and the migration guide on every answer, and {@code 410 version_sunset} from its
 * sunset on (the engine answers that; this method never runs then).
 */
@Path("/v0")
public final class AnalyticsV0Resource {
  private static final ObjectMapper JSON = AnalyticsResource.JSON; // the same answer as /v1, written the same way
  private final EventStore store;

  /** The resource as Jersey creates it from its class: the store from the application's properties. */
  public AnalyticsV0Resource(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.Configuration configuration) {
    this((EventStore) configuration.getProperty(AnalyticsResource.STORE_PROPERTY));
  }

  AnalyticsV0Resource(EventStore store) {
    this.store = store;
  }

  /** Aggregates of the caller's events, as {@code GET /v1/stats/summary} answers them. */
  @GET
  @Path("stats/summary")
  @Produces("application/json")
  @Monetized(id = "stats.summary.v0", scope = "stats:read", price = "0.0020", version = "v0", deprecated = "2026-06-01",
      sunset = "2027-06-30", successor = "stats.summary",
      migrationGuide = "https://github.com/monetize-dev/monetize/blob/main/docs/migrations/v0-to-v1.md",
      response = dev.monetize.examples.analytics.domain.Summary.class)
  public byte[] summary() throws IOException {
    return JSON.writeValueAsBytes(store.summary(MonetizeContext.current().orElseThrow().principal().customerId()));
  }
}
