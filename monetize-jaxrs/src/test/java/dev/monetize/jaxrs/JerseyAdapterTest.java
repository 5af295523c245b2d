package dev.monetize.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.servlet.ServletContainer;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/**
 * The adapter suite on Jersey 3.1 (its servlet container on embedded Jetty 12, the client's address
 * from {@link PeerAddress#servletFilter()}). The library's resources are registered as
 * classes with the engine in {@link MonetizeJaxrs#ENGINE_PROPERTY}, as the docs show.
 */
class JerseyAdapterTest extends JaxRsAdapterContract {
  private static final Logger JERSEY = Logger.getLogger("org.glassfish.jersey");
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler recorder = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(r.getLoggerName() + ": " + r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Server server;

  @Override
  protected String start(List<Object> providers, Class<?>... resources) {
    ResourceConfig config = new ResourceConfig(resources)
        .property(org.glassfish.jersey.server.ServerProperties.WADL_FEATURE_DISABLE, true); // needs JAXB, not ours
    for (Object p : providers) {
      if (p instanceof OpenApiResource || p instanceof ManagementResource) {
        config.register(p.getClass());
      } else {
        config.register(p);
      }
      if (p instanceof MonetizeFeature) {
        config.property(MonetizeJaxrs.ENGINE_PROPERTY, monetize);
      }
    }
    JERSEY.addHandler(recorder);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(Resources.Async.hostFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder jersey = new ServletHolder(new ServletContainer(config));
    jersey.setInitOrder(0); // deployed at start, so that its warnings are recorded now
    context.addServlet(jersey, "/*");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      JERSEY.removeHandler(recorder);
    }
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  protected void stop() throws Exception {
    server.stop();
  }

  @Test
  void deployingTheLibrarysResourcesWarnsOfNothing() {
    assertThat(warnings).as("Jersey's warnings while deploying").isEmpty();
  }
}
