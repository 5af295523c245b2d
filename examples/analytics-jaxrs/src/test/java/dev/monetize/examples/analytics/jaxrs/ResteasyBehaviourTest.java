package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.examples.analytics.AnalyticsBehaviourContract;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.jboss.resteasy.spi.ResteasyDeployment;

/** The shared behaviour suite on the same JAX-RS resources deployed on RESTEasy 6.2. */
class ResteasyBehaviourTest extends AnalyticsBehaviourContract {
  @Override
  protected Service start(Catalog plans, UsageSink usage, dev.monetize.TimeSource time,
      dev.monetize.examples.analytics.domain.EventStore store) throws Exception {
    String operatorKey = dev.monetize.examples.analytics.DemoService.newOperatorKey();
    Monetize monetize = Monetize.builder().catalog(MonetizeJaxrs.catalog(plans, AnalyticsResource.class, AnalyticsV0Resource.class))
        .environment(KeyEnvironment.TEST).usageSink(usage).operatorKey(operatorKey).timeSource(time).build();
    Map<String, String> keys = AnalyticsJaxrsServer.issueDemoKeys(monetize, operatorKey);
    ResteasyDeployment deployment = new ResteasyDeploymentImpl();
    deployment.setApplication(new Application() {
      @Override
      public Set<Class<?>> getClasses() {
        return Set.of();
      }
    });
    for (Object c : AnalyticsJaxrsServer.components(monetize, store, Clock.systemUTC())) {
      if (c.getClass().isAnnotationPresent(Path.class)) {
        deployment.getResources().add(c);
      } else {
        deployment.getProviders().add(c);
      }
    }
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setAttribute(ResteasyDeployment.class.getName(), deployment);
    ctx.addServlet(new ServletHolder(new HttpServlet30Dispatcher()), "/*");
    server.setHandler(ctx);
    server.start();
    return Service.of("http://127.0.0.1:" + connector.getLocalPort(), keys, monetize, () -> {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        monetize.close();
      }
    });
  }
}
