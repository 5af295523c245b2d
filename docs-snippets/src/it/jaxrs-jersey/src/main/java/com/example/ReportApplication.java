package com.example;

// tag::application[]
import com.sun.net.httpserver.HttpServer;
import dev.monetize.Monetize;
import dev.monetize.config.CatalogLoader;
import dev.monetize.jaxrs.ManagementResource;
import dev.monetize.jaxrs.MonetizeExceptionMapper;
import dev.monetize.jaxrs.MonetizeFeature;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.jaxrs.PeerAddress;
import dev.monetize.keys.KeyEnvironment;
import java.net.InetSocketAddress;
import org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

public final class ReportApplication {
  public static HttpServer start(java.nio.file.Path plans, int port, String operatorKey) throws Exception {
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
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/", ContainerFactory.createContainer(JdkHttpHandlerContainer.class, application))
        .getFilters().add(PeerAddress.jdkHttpServer());          // client addresses for limits and audit
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    start(java.nio.file.Path.of("plans.yaml"), 8080, System.getenv("MONETIZE_OPERATOR_KEY"));
  }
}
// end::application[]
