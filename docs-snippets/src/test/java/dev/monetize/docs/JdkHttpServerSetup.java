package dev.monetize.docs;

// tag::jdk-http[]
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.monetize.jaxrs.PeerAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
// end::jdk-http[]

/** docs/jaxrs.md: client addresses on the JDK's HTTP server. */
final class JdkHttpServerSetup {
  private JdkHttpServerSetup() {}

  static HttpServer start(ResourceConfig resourceConfig) throws IOException {
    // tag::jdk-http[]
    HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
    HttpContext context = server.createContext("/",
        ContainerFactory.createContainer(JdkHttpHandlerContainer.class, resourceConfig));
    context.getFilters().add(PeerAddress.jdkHttpServer()); // JAX-RS does not tell client addresses by itself
    server.start();
    // end::jdk-http[]
    return server;
  }
}
