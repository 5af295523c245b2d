package dev.monetize.jaxrs;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.util.List;
import org.glassfish.jersey.jdkhttp.JdkHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/** The adapter suite on Jersey 3.1 (JDK HTTP server). */
class JerseyAdapterTest extends JaxRsAdapterContract {
  private HttpServer server;

  @Override
  protected String start(List<Object> providers, Class<?>... resources) {
    ResourceConfig config = new ResourceConfig(resources);
    providers.forEach(config::register);
    server = JdkHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), config);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  protected void stop() {
    server.stop(0);
  }
}
