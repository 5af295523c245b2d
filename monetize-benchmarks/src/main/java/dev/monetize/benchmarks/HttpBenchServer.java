package dev.monetize.benchmarks;

import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.servlet.MonetizeFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The target of the HTTP benchmark: a bare hello endpoint on embedded Jetty; the same endpoint
 * behind {@link MonetizeFilter} (a plan that never refuses, usage and audit handed to sinks that
 * drop them, so the filter's own cost is what differs); or behind the filter a user would
 * otherwise write by hand ({@link HandWrittenFilter}); or the same endpoint as a Jersey resource on
 * the same Jetty, bare or through the JAX-RS adapter ({@link JaxrsBench}). Prints
 * {@code key: <secret>} (for a bare variant a string of a key's shape, so that every variant gets the
 * same request bytes) and {@code listening on <port>}.
 *
 * <pre>java -cp benchmarks.jar dev.monetize.benchmarks.HttpBenchServer bare|filtered|handwritten|jaxrs-bare|jaxrs PORT</pre>
 */
public final class HttpBenchServer {
  private static final byte[] HELLO = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

  private HttpBenchServer() {}

  /** Starts the server and blocks. */
  public static void main(String[] args) throws Exception {
    Set<String> variants = Set.of("bare", "filtered", "handwritten", "jaxrs-bare", "jaxrs");
    if (args.length != 2 || !variants.contains(args[0])) {
      System.err.println("usage: HttpBenchServer bare|filtered|handwritten|jaxrs-bare|jaxrs PORT");
      System.exit(2);
    }
    String variant = args[0];
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[1]));
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    if (variant.startsWith("jaxrs")) {
      Optional<Monetize> monetize = variant.equals("jaxrs")
          ? Optional.of(engine(JaxrsBench.catalog(catalog(Optional.empty())))) : Optional.empty();
      JaxrsBench.register(ctx, monetize);
    } else {
      ctx.addServlet(new ServletHolder(new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          resp.setContentType("application/json");
          resp.setContentLength(HELLO.length);
          resp.getOutputStream().write(HELLO);
        }
      }), "/hello");
    }
    if (variant.equals("filtered")) {
      Monetize monetize = engine(catalog(Optional.of(Operation.builder("hello", "GET", "/hello").build())));
      ctx.addFilter(new FilterHolder(new MonetizeFilter(monetize)), "/*", EnumSet.of(DispatcherType.REQUEST));
    } else if (variant.equals("handwritten")) {
      String key = lookalikeKey();
      System.out.println("key: " + key);
      ctx.addFilter(new FilterHolder(new HandWrittenFilter(Set.of(key))), "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    if (variant.endsWith("bare")) {
      // the bare server gets the same request bytes (wrk sends the printed key): Jetty parses an
      // Authorization header whether a filter reads it or not, so only the filter's cost differs
      System.out.println("key: " + lookalikeKey());
    }
    server.setHandler(ctx);
    server.start();
    System.out.println("listening on " + connector.getLocalPort());
    System.out.flush();
    server.join();
  }

  /** A string of a live key's shape (prefix, length, alphabet) that no engine issued. */
  private static String lookalikeKey() {
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    java.util.Random random = new java.security.SecureRandom();
    StringBuilder key = new StringBuilder("mk_live_");
    for (int i = 0; i < 28; i++) {
      key.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return key.toString();
  }

  /** One plan that never refuses (the limiter benchmark's rate, a daily quota far out of reach). */
  private static Catalog catalog(Optional<Operation> operation) {
    Catalog.Builder b = Catalog.builder()
        .plan(Plan.builder("pro").rate(Contenders.rate()).quota(Quota.daily(Long.MAX_VALUE / 8)).build());
    operation.ifPresent(b::operation);
    return b.build();
  }

  /** The engine with sinks that drop usage and audit, a customer, and its key printed as {@code key: }. */
  private static Monetize engine(Catalog catalog) {
    Monetize monetize = Monetize.builder()
        .catalog(catalog)
        .environment(KeyEnvironment.LIVE)
        .usageSink(batch -> { })
        .auditSink(batch -> { })
        .build();
    monetize.customers().save(Customer.of("bench", "pro"));
    IssuedKey key = monetize.keys().issue("bench", Set.of("*"));
    System.out.println("key: " + key.secret());
    return monetize;
  }
}
