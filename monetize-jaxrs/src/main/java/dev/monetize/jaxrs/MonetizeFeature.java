package dev.monetize.jaxrs;

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
public final class MonetizeFeature implements DynamicFeature {
  private final Monetize monetize;

  /** Binds {@code monetize} (built with {@link MonetizeJaxrs#catalog}). */
  public MonetizeFeature(Monetize monetize) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
  }

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Optional<MonetizeJaxrs.Endpoint> endpoint = MonetizeJaxrs.endpointOf(resource.getResourceClass(),
        resource.getResourceMethod());
    if (endpoint.isEmpty()) {
      // a method the catalog does not declare on a monetized path is refused, never served free
      java.lang.reflect.Method m = resource.getResourceMethod();
      MonetizeJaxrs.httpMethod(m)
          .flatMap(http -> monetize.undeclaredMethod(http, MonetizeJaxrs.path(resource.getResourceClass(), m)))
          .ifPresent(allow -> context.register(new UndeclaredMethodFilter(monetize, allow), Priorities.AUTHENTICATION));
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
  }
}
