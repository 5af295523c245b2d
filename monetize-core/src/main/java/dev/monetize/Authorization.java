package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Scopes;
import java.util.Optional;

/** Step 2 of admission: may this principal call this operation at all (its plan, its scopes)? */
final class Authorization extends AdmissionStage {
  private final Catalog catalog;

  Authorization(Catalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public Decision admit(Operation op, ApiRequest request, Decision identified) {
    Principal principal = identified.principal().orElseThrow();
    if (principal.operator()) {
      return Decision.refuseWithHint(ErrorCode.SCOPE_DENIED, "The operator credential manages the service "
          + "(/monetize/*); it is no customer and calls no operation. Call " + op.id() + " with a customer's key.",
          "Create a key for a customer (POST /monetize/keys) and call the operation with it.", Optional.empty(), op);
    }
    Plan plan = principal.plan();
    if (!catalog.allows(plan, op)) {
      String detail = "Operation '" + op.id() + "' is not included in plan '" + plan.name() + "'.";
      Optional<Plan> upgrade = catalog.plans().stream() // an upgrade: never a plan ranked at or below the caller's
          .filter(p -> p.rank() > plan.rank() && catalog.allows(p, op)).findFirst();
      return upgrade.map(p -> Decision.refuseWithHint(ErrorCode.PLAN_DENIED, detail,
              "Upgrade to plan '" + p.name() + "' or higher to call " + op.id() + ".", Optional.of(principal), op))
          .orElse(Decision.refuseWithHint(ErrorCode.PLAN_DENIED, detail, "No plan above '" + plan.name()
              + "' includes " + op.id() + "; ask the provider.", Optional.of(principal), op));
    }
    if (!Scopes.grants(principal.scopes(), op.scope())) {
      String holder = principal.credential().tokenId().map(t -> "the token " + t + " (of key " + principal.keyId() + ")")
          .orElse("key " + principal.keyId());
      return Decision.refuse(ErrorCode.SCOPE_DENIED, "Operation '" + op.id() + "' requires scope '"
          + op.scope() + "', which " + holder + " does not hold.", Optional.of(principal), op);
    }
    return identified;
  }
}
