package com.example;

// tag::application[]
import dev.monetize.Monetize;
import dev.monetize.config.CatalogLoader;
import dev.monetize.jaxrs.ManagementResource;
import dev.monetize.jaxrs.MonetizeExceptionMapper;
import dev.monetize.jaxrs.MonetizeFeature;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.jaxrs.PeerAddress;
import dev.monetize.keys.KeyEnvironment;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

public final class ReportApplication {
  public static Server start(java.nio.file.Path plans, int port, String operatorKey) throws Exception {
    Monetize monetize = Monetize.builder()
        .catalog(MonetizeJaxrs.catalog(CatalogLoader.load(plans), ReportResource.class)) // plans + annotations
        .environment(KeyEnvironment.TEST)  // mk_test_ keys while you try it; LIVE (the default) in production
        .operatorKey(operatorKey)          // from your secret store; made once with `monetize operator-key`
        .build();
    ResourceConfig application = new ResourceConfig(ReportResource.class)
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)   // WADL needs JAXB, which this service has not
        .property(MonetizeJaxrs.ENGINE_PROPERTY, monetize)       // for the library's resources, registered as classes
        .register(new MonetizeFeature(monetize))
        .register(new MonetizeExceptionMapper(monetize))
        .register(ManagementResource.class);                     // keys, usage, invoices under /monetize
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*",  // client addresses for limits and audit
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ServletContainer(application)), "/*");
    Server server = new Server(port);                            // Jetty 12: the server you deploy on
    server.setHandler(context);
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    start(java.nio.file.Path.of("plans.yaml"), Integer.parseInt(System.getenv().getOrDefault("PORT", "8080")),
        System.getenv("MONETIZE_OPERATOR_KEY"));
  }
}
// end::application[]
