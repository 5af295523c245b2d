package dev.monetize.jaxrs;

import dev.monetize.Monetize;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Objects;

/**
 * Serves the OpenAPI 3.1 document generated from the engine's catalog (which
 * {@link MonetizeJaxrs#catalog} fills from the annotations) at {@code /openapi.json} and
 * {@code /openapi.yaml}. Registering it publishes the document. Register it beside
 * {@link MonetizeFeature}: the class, with the engine in the application property
 * {@link MonetizeJaxrs#ENGINE_PROPERTY} (no warning on Jersey), or an instance.
 */
@Path("/")
public final class OpenApiResource {
  private final Monetize monetize;

  /** Serves the document of the engine in the application property {@link MonetizeJaxrs#ENGINE_PROPERTY}. */
  public OpenApiResource(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.Configuration configuration) {
    this(MonetizeJaxrs.engine(configuration));
  }

  /** Serves {@code monetize}'s document. */
  public OpenApiResource(Monetize monetize) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
  }

  /** The document as JSON. */
  @GET
  @Path("openapi.json")
  @Produces("application/json")
  public String json() {
    return monetize.openApiJson();
  }

  /** The interactive API docs (Swagger UI over {@code openapi.json}). */
  @GET
  @Path("docs")
  public jakarta.ws.rs.core.Response explorer() {
    return explorer(dev.monetize.docs.ApiExplorer.PATH);
  }

  /** An asset of the interactive API docs ({@code 404} for an unknown name). */
  @GET
  @Path("docs/assets/{name}")
  public jakarta.ws.rs.core.Response explorerAsset(@jakarta.ws.rs.PathParam("name") String name) {
    return explorer(dev.monetize.docs.ApiExplorer.PATH + "/assets/" + name);
  }

  private static jakarta.ws.rs.core.Response explorer(String path) {
    return dev.monetize.docs.ApiExplorer.answer(path).map(a -> {
      jakarta.ws.rs.core.Response.ResponseBuilder r = jakarta.ws.rs.core.Response.status(a.status())
          .type(a.contentType()).entity(a.body());
      a.headers().forEach(h -> r.header(h.name(), h.value()));
      return r.build();
    }).orElseThrow(jakarta.ws.rs.NotFoundException::new);
  }

  /** The document as YAML. */
  @GET
  @Path("openapi.yaml")
  @Produces("application/yaml")
  public String yaml() {
    return monetize.openApiYaml();
  }
}
