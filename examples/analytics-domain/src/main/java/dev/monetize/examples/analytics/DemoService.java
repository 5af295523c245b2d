package dev.monetize.examples.analytics;

import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import java.security.SecureRandom;
import dev.monetize.Monetize;
import dev.monetize.config.CatalogLoader;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What every variant of the example shares: the plans file, the {@code PORT} setting, and the demo
 * keys it prints at start (one per plan, with the plan's scopes, then the operator's).
 */
public final class DemoService {
  /** The plans file on the classpath. */
  public static final String PLANS_RESOURCE = "/analytics-plans.yaml";
  /** Title of the generated OpenAPI document. */
  public static final String API_TITLE = "Example analytics API";

  private DemoService() {}

  /** The plans (and operations) shipped with the example. */
  public static Catalog plans() {
    try (InputStream in = DemoService.class.getResourceAsStream(PLANS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(PLANS_RESOURCE + " is missing from the classpath");
      }
      return CatalogLoader.load("classpath:" + PLANS_RESOURCE, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port from {@code PORT} (default 8080), or empty with the reason printed when it is not a port. */
  public static OptionalInt port(String env) {
    String value = env == null ? "8080" : env.trim();
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return OptionalInt.of(port);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    System.err.println("PORT must be a number from 0 to 65535, got '" + env + "'");
    return OptionalInt.empty();
  }

  /**
   * A fresh operator credential for the demo, printed as its {@code admin} key. A real service keeps
   * one in its secret store and hands it to {@code MonetizeBuilder.operatorKey} on every instance.
   */
  public static String newOperatorKey() {
    return ApiKeys.newSecret(KeyEnvironment.TEST, new SecureRandom());
  }

  /**
   * The engine settings every variant of the demo shares: {@code mk_test_} keys, the API title, the
   * API reference and price list published to anyone, and {@code operatorKey} as the operator's
   * credential. Each variant adds its catalog and stores.
   */
  public static dev.monetize.MonetizeBuilder engine(String operatorKey) {
    return Monetize.builder()
        .environment(KeyEnvironment.TEST)
        .apiInfo(API_TITLE, "1.0.0")
        .publishDocs(true) // the demo publishes its API reference and price list to anyone
        .apiSchemas(apiSchemas())
        .operatorKey(operatorKey);
  }

  /**
   * Issues one demo key per plan (customer {@code demo-<plan>}, the plan's scopes); {@code admin} is
   * the operator credential the engine was built with ({@code operatorKey}), which is no customer.
   * Customers are created once, keys anew at every start.
   */
  public static Map<String, String> issueDemoKeys(Monetize monetize, String operatorKey) {
    Map<String, String> keys = new LinkedHashMap<>();
    List<Plan> plans = monetize.catalog().plans();
    for (Plan plan : plans) {
      String customer = "demo-" + plan.name();
      if (monetize.customers().find(customer).isEmpty()) {
        monetize.customers().save(new Customer(customer, plan.name(), BillingAnchor.DEFAULT, "Demo " + plan.name()));
      }
      keys.put(plan.name(), monetize.keys().issue(customer, plan.scopes()).secret());
    }
    keys.put("admin", operatorKey);
    return Collections.unmodifiableMap(keys);
  }

  /**
   * Where usage is journaled: {@code MONETIZE_DATA_DIR} (unset or blank: nowhere, usage waits in
   * memory for the flusher) with the fsync policy of {@code MONETIZE_FSYNC} ({@code never},
   * {@code always} or an interval such as {@code 1s}; default every second).
   *
   * @throws IllegalArgumentException naming the variable when a value is invalid
   */
  public static Optional<Journal> journal(Map<String, String> env) {
    String dir = env.get("MONETIZE_DATA_DIR");
    if (dir == null || dir.isBlank()) {
      return Optional.empty();
    }
    String fsync = env.get("MONETIZE_FSYNC");
    FsyncPolicy policy;
    try {
      policy = fsync == null || fsync.isBlank() ? FsyncPolicy.DEFAULT : FsyncPolicy.parse(fsync.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MONETIZE_FSYNC: " + e.getMessage(), e);
    }
    try {
      return Optional.of(new Journal(Path.of(dir.trim()), policy));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("MONETIZE_DATA_DIR is not a path: " + e.getMessage(), e);
    }
  }

  /**
   * The proxies whose {@code X-Forwarded-For} is believed (not {@code Forwarded}, which a proxy that
   * appends to {@code X-Forwarded-For} would pass on as the client wrote it): the CIDRs in
   * {@code MONETIZE_TRUSTED_PROXIES} (comma separated; unset or blank: none, the client is always
   * the connection's peer).
   *
   * @throws IllegalArgumentException naming the variable when an entry is not a CIDR
   */
  public static dev.monetize.http.TrustedProxies trustedProxies(Map<String, String> env) {
    String value = env.get("MONETIZE_TRUSTED_PROXIES");
    if (value == null || value.isBlank()) {
      return dev.monetize.http.TrustedProxies.none();
    }
    try {
      return dev.monetize.http.TrustedProxies.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MONETIZE_TRUSTED_PROXIES: " + e.getMessage(), e);
    }
  }

  /**
   * How every variant writes its JSON: snake_case names, ISO-8601 times, {@code Optional}s as values
   * or null.
   */
  public static com.fasterxml.jackson.databind.ObjectMapper json() {
    return com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
        .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
        .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
        .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  /**
   * The bodies of the demo API for its OpenAPI document, declared by hand as a plain servlet
   * application does (the JAX-RS and Spring variants declare the same on their handlers, and serve
   * the same document).
   */
  public static dev.monetize.openapi.ApiSchemas apiSchemas() {
    return dev.monetize.openapi.ApiSchemas.builder(json())
        .request("events.ingest", dev.monetize.examples.analytics.domain.Event[].class)
        .response("events.ingest", dev.monetize.examples.analytics.domain.Accepted.class)
        .status("events.ingest", 202)
        .response("stats.summary", dev.monetize.examples.analytics.domain.Summary.class)
        .example("stats.summary", summaryExample())
        .response("stats.summary.v0", dev.monetize.examples.analytics.domain.Summary.class)
        .response("stats.timeseries", dev.monetize.examples.analytics.domain.Timeseries.class)
        .build();
  }

  /** The example answer of {@code GET /v1/stats/summary} in the API reference. */
  public static dev.monetize.examples.analytics.domain.Summary summaryExample() {
    return new dev.monetize.examples.analytics.domain.Summary(3, 2, 7.5,
        new java.util.TreeMap<>(java.util.Map.of("page_view", 2L, "signup", 1L)),
        java.util.Optional.of(java.time.Instant.parse("2026-11-24T10:00:00Z")),
        java.util.Optional.of(java.time.Instant.parse("2026-11-24T10:05:00Z")));
  }

  /** A usage journal's directory and fsync policy. */
  public record Journal(Path directory, FsyncPolicy fsync) {}

  /**
   * The slowest request body the examples wait for, in bytes per second: a client that sends its body
   * slower (a byte every few seconds, each one restarting the idle timeout) is cut off, so that a
   * customer within its rate cannot hold every server thread with bodies it never finishes (OWASP API4).
   */
  public static final long MIN_REQUEST_BYTES_PER_SECOND = 256;

  /**
   * An embedded Jetty 12 server listening on {@code port} (0 picks a free one) that does not
   * advertise its version (OWASP API8): the container both examples run in. Request bodies sent slower
   * than {@link #MIN_REQUEST_BYTES_PER_SECOND} are cut off by {@link #serve} (not by Jetty's own minimum
   * data rate, which also cut off small bodies the application read late).
   */
  public static org.eclipse.jetty.server.ServerConnector jetty(org.eclipse.jetty.server.Server server, int port) {
    org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
    http.setSendServerVersion(false);
    org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
        new org.eclipse.jetty.server.HttpConnectionFactory(http));
    connector.setPort(port);
    server.addConnector(connector);
    return connector;
  }

  /**
   * The request bodies Jetty gathers before any thread runs the application, in bytes: every
   * management body ({@code ManagementApi.MAX_BODY_BYTES}) and most event batches. A body announced
   * and never sent, or sent a byte at a time, then holds a connection and the bytes it sent (copied:
   * not a network buffer per packet), not a server thread (a customer within its rate could otherwise
   * hold every thread, OWASP API4), and is cut off when it comes slower than
   * {@link #MIN_REQUEST_BYTES_PER_SECOND}, or after {@link #BODY_SILENCE_MILLIS} without a byte; a
   * larger one is handed over at this size and read on under the same minimum rate.
   */
  public static final int BODY_GATHERED_BYTES = 64 * 1024 + 1;

  /**
   * How long a body being gathered may send nothing, in milliseconds: then the request goes to the
   * application with its body cut off, which answers at once ({@code 401} without a key, {@code 413}
   * past the operation's size, else {@code 408}), instead of after the connection's idle timeout.
   */
  public static final long BODY_SILENCE_MILLIS = 5_000;

  /**
   * Makes {@code app} the server's handler, behind the gathering of request bodies up to
   * {@link #BODY_GATHERED_BYTES} ({@link GatheredBodies}: without a thread, so that the application's
   * blocking reads of such a body never wait).
   */
  public static void serve(org.eclipse.jetty.server.Server server, org.eclipse.jetty.server.Handler app) {
    server.setHandler(new GatheredBodies(app, BODY_GATHERED_BYTES, MIN_REQUEST_BYTES_PER_SECOND, BODY_SILENCE_MILLIS));
  }

  /** Prints the documented start-up lines: the demo keys, then {@code listening on <port>}. */
  public static void announce(Map<String, String> demoKeys, int port) {
    demoKeys.forEach((plan, secret) -> System.out.println("demo key " + plan + ": " + secret));
    System.out.println("listening on " + port);
    System.out.flush();
  }
}
