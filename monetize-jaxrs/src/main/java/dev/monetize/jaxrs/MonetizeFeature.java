package dev.monetize.jaxrs;

import dev.monetize.Monetized;

import dev.monetize.Monetize;
import dev.monetize.plans.Operation;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.util.Objects;
import java.util.Optional;

/**
 * Binds the Monetize filters to every {@link Monetized} resource method, once, at deployment
 * (modelled on Jersey's {@code RolesAllowedDynamicFeature}): nothing is looked up reflectively per
 * request. A monetized method whose operation is not in the engine's catalog, or differs from it,
 * fails the deployment with a message naming the method. A method without {@link Monetized} on a
 * monetized path (say a {@code POST} beside a monetized {@code GET}) answers {@code 405} unless the
 * engine passes undeclared methods through ({@code MonetizeBuilder.undeclaredMethods}).
 *
 * <pre>{@code
 * new ResourceConfig(StatsResource.class).register(new MonetizeFeature(monetize));
 * }</pre>
 */
public final class MonetizeFeature implements DynamicFeature, jakarta.ws.rs.core.Feature {
  private final Monetize monetize;
  /** The paths of operator-only resource methods, found as they are bound (read by {@link EdgeFilter}). */
  private final java.util.List<dev.monetize.http.PathTemplate> operatorOnly =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Binds {@code monetize} (built with {@link MonetizeJaxrs#catalog}). */
  public MonetizeFeature(Monetize monetize) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
  }

  /**
   * Registers what is refused before Jersey matches a resource: a monetized route with a trailing
   * slash, {@code OPTIONS} on a monetized or operator-only path, several {@code Api-Version} headers.
   */
  @Override
  public boolean configure(FeatureContext context) {
    context.register(new EdgeFilter(monetize, operatorOnly), Priorities.AUTHENTICATION - 1);
    return true;
  }

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Optional<MonetizeJaxrs.Endpoint> endpoint = MonetizeJaxrs.endpointOf(resource.getResourceClass(),
        resource.getResourceMethod());
    if (resource.getResourceMethod().isAnnotationPresent(OperatorOnly.class)
        || resource.getResourceClass().isAnnotationPresent(OperatorOnly.class)) { // wins over @Monetized: never metered
      if (resource.getResourceMethod().isAnnotationPresent(Monetized.class)) {
        throw new IllegalStateException(MonetizeJaxrs.name(resource.getResourceMethod())
            + ": @OperatorOnly and @Monetized on one method; an operator endpoint is not sold");
      }
      context.register(new OperatorOnlyFilter(monetize), Priorities.AUTHENTICATION);
      operatorOnly.add(dev.monetize.http.PathTemplate.parse(
          MonetizeJaxrs.path(resource.getResourceClass(), resource.getResourceMethod())));
      return;
    }
    if (endpoint.isEmpty()) {
      // a method the catalog does not declare on a monetized path is refused, never served free: EdgeFilter
      // decides it per request before matching (an unmonetized POST /v1/stats/{id} must not serve
      // POST /v1/stats/latest where GET /v1/stats/latest is sold)
      return;
    }
    Operation declared = endpoint.get().operation();
    Operation known = monetize.catalog().operation(declared.id()).orElseThrow(() -> new IllegalStateException(
        MonetizeJaxrs.name(resource.getResourceMethod()) + ": operation '" + declared.id()
            + "' is not in the catalog; build the catalog with MonetizeJaxrs.catalog(plans, resources...)"));
    if (!known.equals(declared)) {
      throw new IllegalStateException(MonetizeJaxrs.name(resource.getResourceMethod()) + ": operation '"
          + declared.id() + "' in the catalog differs from the annotations (" + known + " vs " + declared + ")");
    }
    context.register(new AdmissionFilter(monetize, known), Priorities.AUTHENTICATION);
    context.register(new UnreadableBodies());
  }


}
