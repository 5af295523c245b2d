package dev.monetize.docs;

// tag::jaxrs[]
import dev.monetize.Monetize;
import dev.monetize.config.CatalogLoader;
import dev.monetize.jaxrs.ManagementResource;
import dev.monetize.jaxrs.MonetizeContext;
import dev.monetize.jaxrs.MonetizeExceptionMapper;
import dev.monetize.jaxrs.MonetizeFeature;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.Monetized;
import dev.monetize.jaxrs.OpenApiResource;
import dev.monetize.plans.Catalog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

@Path("/v1/stats")
@Monetized(scope = "stats:read")                    // class-level defaults
public class StatsResource {
  @GET
  @Path("summary")
  @Produces("application/json")
  @Monetized(id = "stats.summary", price = "0.002")  // method-level overrides
  public String summary() {
    MonetizeContext ctx = MonetizeContext.current().orElseThrow();
    return "{\"customer\":\"" + ctx.principal().customerId() + "\"}"; // partition your data by this tenant
  }

  @GET
  @Path("export")
  @Produces("text/csv")
  @Monetized(id = "export", minimumPlan = "pro", cost = 10, scope = "export:read")
  public String export() {
    return "day,calls\n";
  }
}
// end::jaxrs[]

/** README and docs/jaxrs.md: the JAX-RS feature on Jersey. */
final class JaxrsQuickstart {
  private JaxrsQuickstart() {}

  static ResourceConfig application() {
    // tag::jaxrs[]
    // java.nio.file.Path, spelled out: @Path above is jakarta.ws.rs.Path
    Catalog catalog = MonetizeJaxrs.catalog(CatalogLoader.load(java.nio.file.Path.of("plans.yaml")),
        StatsResource.class);
    Monetize monetize = Monetize.builder().catalog(catalog).build();
    ResourceConfig application = new ResourceConfig(StatsResource.class)           // Jersey
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)   // WADL needs JAXB, which Jersey may not find
        .property(MonetizeJaxrs.ENGINE_PROPERTY, monetize)  // for the library's resources, registered as classes
        .register(new MonetizeFeature(monetize))
        .register(new MonetizeExceptionMapper(monetize))    // optional: unhandled exceptions as problem JSON
        .register(ManagementResource.class)                 // optional: /monetize/* (keys, usage, invoices)
        .register(OpenApiResource.class);                   // optional: publishes /openapi.json and .yaml
    // end::jaxrs[]
    return application;
  }
}
