package dev.monetize.jaxrs;

import dev.monetize.Monetized;

import dev.monetize.Admission;
import dev.monetize.Decision;
import dev.monetize.Principal;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Objects;
import java.util.Optional;

/**
 * What a monetized resource method can know about its caller, and the usage it can add. Reach it
 * by standard injection, {@code @Context SecurityContext}, whose user principal it is, or on the
 * request's thread with {@link #current()}:
 *
 * <pre>{@code
 * @GET @Path("summary") @Monetized(id = "stats.summary")
 * public Summary summary(@Context SecurityContext security) {
 *   MonetizeContext ctx = MonetizeContext.of(security).orElseThrow();
 *   Summary s = ctx.degraded() ? sampledSummary(ctx.principal().customerId()) : summary(ctx.principal().customerId());
 *   ctx.reportUsage("rows_scanned", s.rowsScanned());
 *   return s;
 * }
 * }</pre>
 */
public final class MonetizeContext implements java.security.Principal {
  private static final ThreadLocal<MonetizeContext> CURRENT = new ThreadLocal<>();

  private final Admission admission;

  /** What a read of the request body failed with in the container (the client's doing), or null. */
  private volatile Throwable bodyFailure;

  MonetizeContext(Admission admission) {
    this.admission = Objects.requireNonNull(admission, "admission");
  }

  void bodyFailed(Throwable failure) {
    if (bodyFailure == null) {
      bodyFailure = failure;
    }
  }

  Optional<Throwable> bodyFailure() {
    return Optional.ofNullable(bodyFailure);
  }

  /** The context of the request this thread is serving, if it is monetized. */
  public static Optional<MonetizeContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** The context behind an injected {@code SecurityContext}, if the request is monetized. */
  public static Optional<MonetizeContext> of(SecurityContext security) {
    return security != null && security.getUserPrincipal() instanceof MonetizeContext c ? Optional.of(c) : Optional.empty();
  }

  /** Who is calling: customer, plan, key id, scopes. */
  public Principal principal() {
    return admission.principal().orElseThrow();
  }

  /** The admission decision: policies and what remains of them (credits included), overage, degraded mode. */
  public Decision decision() {
    return admission.decision();
  }

  /** The request id, also in {@code X-Request-Id}. */
  public String requestId() {
    return admission.request().requestId();
  }

  /** Whether the plan's quota is exceeded and the endpoint should answer with cheaper data. */
  public boolean degraded() {
    return admission.degraded();
  }

  /** Adds {@code amount} of a custom usage unit to this call's usage (see {@link Admission#reportUsage}). */
  public void reportUsage(String unit, long amount) {
    admission.reportUsage(unit, amount);
  }

  /** The customer id, as the security principal's name. */
  @Override
  public String getName() {
    return principal().customerId();
  }

  @Override
  public String toString() {
    return "MonetizeContext[customer=" + principal().customerId() + ", key=" + principal().keyId() + "]";
  }

  static void set(MonetizeContext context) {
    CURRENT.set(context);
  }

  static void clear() {
    CURRENT.remove();
  }
}
