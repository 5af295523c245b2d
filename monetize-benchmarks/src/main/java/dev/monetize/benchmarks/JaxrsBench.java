package dev.monetize.benchmarks;

import dev.monetize.Monetize;
import dev.monetize.jaxrs.MonetizeExceptionMapper;
import dev.monetize.jaxrs.MonetizeFeature;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.Monetized;
import dev.monetize.jaxrs.PeerAddress;
import dev.monetize.plans.Catalog;
import jakarta.servlet.DispatcherType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The JAX-RS variants of the HTTP benchmark: the same hello endpoint as an annotated Jersey resource
 * on the same Jetty, bare or with {@link MonetizeFeature} (the JAX-RS adapter).
 */
final class JaxrsBench {
  private static final byte[] HELLO = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

  private JaxrsBench() {}

  /** The endpoint: {@code GET /hello}, monetized when the feature is registered. */
  @Path("/hello")
  public static final class Hello {
    /** The greeting. */
    @GET
    @Produces("application/json")
    @Monetized(id = "hello")
    public byte[] hello() {
      return HELLO;
    }
  }

  /** The catalog with the resource's operation, on the plans of {@code base}. */
  static Catalog catalog(Catalog base) {
    return MonetizeJaxrs.catalog(base, Hello.class);
  }

  /** Registers Jersey on {@code context}; with the adapter when {@code monetize} is given. */
  static void register(ServletContextHandler context, java.util.Optional<Monetize> monetize) {
    ResourceConfig config = new ResourceConfig()
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)
        .register(Hello.class);
    monetize.ifPresent(m -> config.register(new MonetizeFeature(m)).register(new MonetizeExceptionMapper(m)));
    context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ServletContainer(config)), "/*");
  }
}
