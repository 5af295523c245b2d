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
  public jakarta.ws.rs.core.Response json(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.HttpHeaders headers) {
    return refused(headers).orElseGet(() -> jakarta.ws.rs.core.Response.ok(monetize.openApiJson(), "application/json")
        .build());
  }

  /** The interactive API docs (Swagger UI over {@code openapi.json}). */
  @GET
  @Path("docs")
  public jakarta.ws.rs.core.Response explorer(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.HttpHeaders headers) {
    return refused(headers).orElseGet(() -> explorer(dev.monetize.docs.ApiExplorer.PATH));
  }

  /** An asset of the interactive API docs ({@code 404} for an unknown name). */
  @GET
  @Path("docs/assets/{name}")
  public jakarta.ws.rs.core.Response explorerAsset(@jakarta.ws.rs.PathParam("name") String name,
      @jakarta.ws.rs.core.Context jakarta.ws.rs.core.HttpHeaders headers) {
    String path = dev.monetize.docs.ApiExplorer.PATH + "/assets/" + name;
    if (dev.monetize.docs.ApiExplorer.answer(path).isEmpty()) {
      throw new jakarta.ws.rs.NotFoundException(); // no such file: nothing to charge for, as on the servlet adapter
    }
    return refused(headers).orElseGet(() -> explorer(path));
  }

  /**
   * The shield's refusal of the client, or {@code 429} past its address's budget, as the management API
   * refuses its own published pages ({@code ManagementApi.refusePublishedPage}).
   */
  private java.util.Optional<jakarta.ws.rs.core.Response> refused(jakarta.ws.rs.core.HttpHeaders headers) {
    String requestId = dev.monetize.http.RequestIds.acceptOrCreate(headers.getHeaderString(
        dev.monetize.http.RequestIds.HEADER));
    String client = monetize.clientAddress(PeerAddress.current(), headers.getHeaderString("Forwarded"),
        headers.getHeaderString("X-Forwarded-For"));
    return monetize.managementApi().refusePublishedPage(client, requestId).map(a -> Refusals.of(a, requestId));
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
  public jakarta.ws.rs.core.Response yaml(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.HttpHeaders headers) {
    return refused(headers).orElseGet(() -> jakarta.ws.rs.core.Response.ok(monetize.openApiYaml(), "application/yaml")
        .build());
  }
}
