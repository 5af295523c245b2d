package dev.monetize.docs;

// tag::jersey-jetty[]
import dev.monetize.jaxrs.PeerAddress;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
// end::jersey-jetty[]

/** docs/jaxrs.md: Jersey as a servlet on Jetty, with the client's address handed to the adapter. */
final class JerseyOnJettySetup {
  private JerseyOnJettySetup() {}

  static Server start(ResourceConfig application) throws Exception {
    // tag::jersey-jetty[]
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", // JAX-RS does not tell client addresses
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ServletContainer(application)), "/*");
    Server server = new Server(8080);
    server.setHandler(context);
    server.start();
    // end::jersey-jetty[]
    return server;
  }
}
