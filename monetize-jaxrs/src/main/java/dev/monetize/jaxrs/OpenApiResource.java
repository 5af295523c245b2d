package dev.monetize.jaxrs;

import dev.monetize.Monetize;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Objects;

/**
 * Serves the OpenAPI 3.1 document generated from the engine's catalog (which
 * {@link MonetizeJaxrs#catalog} fills from the annotations) at {@code /openapi.json} and
 * {@code /openapi.yaml}. Register an instance beside {@link MonetizeFeature}.
 */
@Path("/")
public final class OpenApiResource {
  private final Monetize monetize;

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

  /** The document as YAML. */
  @GET
  @Path("openapi.yaml")
  @Produces("application/yaml")
  public String yaml() {
    return monetize.openApiYaml();
  }
}
