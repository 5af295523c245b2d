package dev.monetize.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.glassfish.jersey.jdkhttp.JdkHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/**
 * The adapter suite on Jersey 3.1 (JDK HTTP server). The library's resources are registered as
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
  private HttpServer server;
  private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();

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
    try {
      server = JdkHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), config, false);
      server.setExecutor(executor); // requests in parallel, as any real deployment serves them
      server.start();
    } finally {
      JERSEY.removeHandler(recorder);
    }
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  protected void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void deployingTheLibrarysResourcesWarnsOfNothing() {
    assertThat(warnings).as("Jersey's warnings while deploying").isEmpty();
  }
}
