package dev.monetize.management;

import java.util.Optional;

/**
 * What a caller must hold to run a management operation. The table of operations
 * ({@link ManagementOperation}) names one per row.
 *
 * <pre>{@code
 * Permission.OPERATOR.scope();   // Optional[monetize:admin]
 * }</pre>
 */
public enum Permission {
  /** Anyone, without a credential: the dashboard's sign-in page and its static assets, which hold no data. */
  ANYONE(Optional.empty(), "anyone, no key: the dashboard's page and its static assets, which hold no data"),
  /**
   * Public pages such as the price list: anyone, without a credential, when the deployment
   * publishes them ({@code MonetizeBuilder.publishDocs}); otherwise any valid credential.
   */
  PUBLIC(Optional.empty(), "anyone, no key, when published (`publishDocs`); else any valid key or token"),
  /** Any valid credential (key or token) of the organization, acting on its own organization. */
  MEMBER(Optional.empty(), "any key or token of the organization"),
  /** An organization's administrator: projects and keys of its own organization. */
  KEYS_WRITE(Optional.of("keys:write"), "scope `keys:write` (a wildcard granting it counts)"),
  /**
   * The operator of the deployment: organizations, wallets, and every organization's projects and
   * keys. Reserved: held only by a key that names it literally, which only code or the operator
   * itself issues, never a wildcard.
   */
  OPERATOR(Optional.of("monetize:admin"), "scope `monetize:admin`, literally (reserved to the operator)");

  private final Optional<String> scope;
  private final String holder;

  Permission(Optional<String> scope, String holder) {
    this.scope = scope;
    this.holder = holder;
  }

  /** The scope that carries this permission, if any. */
  public Optional<String> scope() {
    return scope;
  }

  /** Who holds it, in words (for the generated permission table). */
  public String holder() {
    return holder;
  }
}
