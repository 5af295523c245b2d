package dev.monetize.jaxrs;

import jakarta.ws.rs.core.Application;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.jboss.resteasy.spi.ResteasyDeployment;

/** The adapter suite on RESTEasy 6.2 (its servlet dispatcher on embedded Jetty 12). */
class ResteasyAdapterTest extends JaxRsAdapterContract {
  private Server server;

  /** RESTEasy reads the body a GET announces before it answers (30 s until Jetty's idle timeout). */
  @Override
  protected boolean readsTheBodyAGetAnnounces() {
    return true;
  }

  @Override
  protected String start(List<Object> providers, Class<?>... resources) throws Exception {
    ResteasyDeployment deployment = new ResteasyDeploymentImpl();
    deployment.setApplication(new Application() {
      @Override
      public Set<Class<?>> getClasses() {
        return Set.of(resources);
      }
    });
    for (Object p : providers) {
      if (p.getClass().isAnnotationPresent(jakarta.ws.rs.Path.class)) {
        deployment.getResources().add(p); // a resource instance, e.g. OpenApiResource
      } else {
        deployment.getProviders().add(p);
      }
    }
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setAttribute(ResteasyDeployment.class.getName(), deployment);
    ctx.addFilter(new FilterHolder(Resources.Async.hostFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    ctx.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    ctx.addServlet(new ServletHolder(new HttpServlet30Dispatcher()), "/*");
    server.setHandler(ctx);
    server.start();
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  protected void stop() throws Exception {
    server.stop();
  }
}
