package dev.monetize.jaxrs;

import dev.monetize.Decision;
import dev.monetize.Principal;
import java.util.Optional;

/**
 * What a monetized resource method can know about its caller, on the thread that runs it:
 *
 * <pre>{@code
 * @GET @Path("summary") @Monetized(id = "stats.summary")
 * public Summary summary() {
 *   MonetizeContext ctx = MonetizeContext.current().orElseThrow();
 *   return ctx.degraded() ? sampledSummary(ctx.principal().customerId()) : summary(ctx.principal().customerId());
 * }
 * }</pre>
 *
 * @param principal who is calling (customer, plan, key id, scopes)
 * @param decision the admission decision (policies, overage, degraded mode)
 * @param requestId the request id, also in {@code X-Request-Id}
 */
public record MonetizeContext(Principal principal, Decision decision, String requestId) {
  private static final ThreadLocal<MonetizeContext> CURRENT = new ThreadLocal<>();

  /** The context of the request this thread is serving, if it is monetized. */
  public static Optional<MonetizeContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Whether the plan's quota is exceeded and the endpoint should answer with cheaper data. */
  public boolean degraded() {
    return decision.degraded();
  }

  static void set(MonetizeContext context) {
    CURRENT.set(context);
  }

  static void clear() {
    CURRENT.remove();
  }
}
