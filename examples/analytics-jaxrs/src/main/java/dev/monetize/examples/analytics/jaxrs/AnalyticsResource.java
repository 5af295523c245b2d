package dev.monetize.examples.analytics.jaxrs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.monetize.examples.analytics.domain.EventParser;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.jaxrs.MonetizeContext;
import dev.monetize.Monetized;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;

/**
 * The example's endpoints as annotated JAX-RS resources: the same operations, scopes, prices and
 * costs as the plans file, the same domain code as the servlet example. The tenant comes from
 * {@link MonetizeContext}; nothing here knows about keys or limits. Bad input surfaces as
 * {@code BadInputException}, answered 400 by {@link ProblemMappers}.
 */
@Path("/v1")
public final class AnalyticsResource {
  /** Largest accepted ingest body. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final EventStore store;
  private final EventParser parser;
  private final Clock clock;
  /**
   * One mapper for every request: Jersey creates the resource per request, and building a mapper
   * (modules, serializer caches) costs about a millisecond, more than the rest of the request.
   */
  static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  /** Application properties holding the store and the clock, for registration as a class. */
  static final String STORE_PROPERTY = "analytics.store";
  static final String CLOCK_PROPERTY = "analytics.clock";

  /**
   * The resource as Jersey creates it from its class: store and clock from the application's
   * properties (Jersey warns about resource instances registered with {@code register(Object)}).
   */
  public AnalyticsResource(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.Configuration configuration) {
    this((EventStore) configuration.getProperty(STORE_PROPERTY), (Clock) configuration.getProperty(CLOCK_PROPERTY));
  }

  AnalyticsResource(EventStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.parser = new EventParser(clock);
  }

  private static String tenant() {
    return MonetizeContext.current().orElseThrow().principal().customerId();
  }

  /** Ingests a JSON array of events. */
  @POST
  @Path("events")
  @Produces("application/json")
  @Monetized(id = "events.ingest", scope = "events:write", price = "0.0010", version = "v1",
      request = dev.monetize.examples.analytics.domain.Event[].class,
      response = dev.monetize.examples.analytics.domain.Accepted.class, status = 202)
  public Response ingest(InputStream body) throws IOException {
    byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new TooLargeException();
    }
    int accepted = store.append(tenant(), parser.parse(bytes));
    return Response.status(202).entity(JSON.writeValueAsBytes(new dev.monetize.examples.analytics.domain.Accepted(accepted))).build();
  }

  /** Aggregates of the caller's events. */
  @GET
  @Path("stats/summary")
  @Produces("application/json")
  @Monetized(id = "stats.summary", scope = "stats:read", price = "0.0020", version = "v1", cacheTtlSeconds = 60,
      cacheTags = "stats",
      cacheStaleWhileRevalidateSeconds = 30, cacheStaleIfErrorSeconds = 600,
      response = dev.monetize.examples.analytics.domain.Summary.class)
  public byte[] summary() throws IOException {
    return JSON.writeValueAsBytes(store.summary(tenant()));
  }

  /** Counts per interval between {@code from} and {@code to}. */
  @GET
  @Path("stats/timeseries")
  @Produces("application/json")
  @Monetized(id = "stats.timeseries", scope = "stats:read", price = "0.0030", version = "v1",
      auditQuery = {"from", "to", "interval"}, // the audit trail keeps these in clear, any other as a hash
      response = dev.monetize.examples.analytics.domain.Timeseries.class)
  public byte[] timeseries(@QueryParam("from") java.util.List<String> from, @QueryParam("to") java.util.List<String> to,
      @QueryParam("interval") java.util.List<String> interval) throws IOException {
    return JSON.writeValueAsBytes(
        dev.monetize.examples.analytics.domain.Events.timeseriesAnswer(store, tenant(), from, to, interval, clock));
  }

  /** The caller's raw events, one JSON object per line. */
  @GET
  @Path("export")
  @Produces("application/x-ndjson")
  @Monetized(id = "export", scope = "export:read", minimumPlan = "pro", cost = 10, price = "0.0100",
      version = "v1")
  public StreamingOutput export() {
    String tenant = tenant();
    return out -> {
      try {
        store.export(tenant, out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** A body above {@link #MAX_BODY_BYTES}. */
  static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super(null, null, false, false);
    }
  }
}
