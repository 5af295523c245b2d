package dev.monetize.management;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authority table: every operation of the management API with the permission it needs, what
 * it acts on and the rule for that target. The router serves exactly these rows, the handlers ask
 * {@link Authority} with them, and {@code docs/security.md} prints them; an endpoint cannot exist
 * without a row.
 *
 * <pre>{@code
 * ManagementOperation.match("POST", "/keys/key_1/rotate");
 * // Optional[Match[operation=KEY_ROTATE, parameters={id=key_1}]]
 * }</pre>
 */
public enum ManagementOperation {
  /** {@code POST /organizations}: create an organization (a customer). */
  ORGANIZATION_CREATE("POST", "/organizations", Permission.OPERATOR, Rule.NONE, true,
      "create an organization"),
  /** {@code GET /organizations/{id}}: read an organization. */
  ORGANIZATION_GET("GET", "/organizations/{id}", Permission.MEMBER, Rule.OWN_ORGANIZATION, false,
      "read an organization"),
  /** {@code PATCH /organizations/{id}}: change an organization's plan, now or at the end of its period. */
  ORGANIZATION_UPDATE("PATCH", "/organizations/{id}", Permission.OPERATOR, Rule.OWN_ORGANIZATION, false,
      "change an organization's plan, now or at the end of its billing period"),
  /** {@code DELETE /organizations/{id}/scheduled-plan-change}: cancel a scheduled plan change. */
  PLAN_CHANGE_CANCEL("DELETE", "/organizations/{id}/scheduled-plan-change", Permission.OPERATOR,
      Rule.OWN_ORGANIZATION, false, "cancel an organization's scheduled plan change"),
  /** {@code POST /projects}: create a project in an organization. */
  PROJECT_CREATE("POST", "/projects", Permission.KEYS_WRITE, Rule.OWN_ORGANIZATION, true,
      "create a project; its scopes within the caller's"),
  /** {@code POST /keys}: issue a key. */
  KEY_CREATE("POST", "/keys", Permission.KEYS_WRITE, Rule.OWN_ORGANIZATION, true,
      "issue a key; its scopes and limits within the caller's"),
  /** {@code GET /keys}: list an organization's keys. */
  KEY_LIST("GET", "/keys", Permission.KEYS_WRITE, Rule.OWN_ORGANIZATION, false,
      "list an organization's keys", "organization_id", "project_id", "limit", "cursor"),
  /** {@code GET /keys/{id}}: read a key (never its secret or hash). */
  KEY_GET("GET", "/keys/{id}", Permission.KEYS_WRITE, Rule.KEY_IN_OWN_ORGANIZATION, false,
      "read a key"),
  /** {@code POST /keys/{id}/rotate}: give a key a new secret. */
  KEY_ROTATE("POST", "/keys/{id}/rotate", Permission.KEYS_WRITE, Rule.KEY_COVERED, true,
      "rotate a key"),
  /** {@code POST /keys/{id}/revoke}: revoke a key. */
  KEY_REVOKE("POST", "/keys/{id}/revoke", Permission.KEYS_WRITE, Rule.KEY_COVERED, true,
      "revoke a key"),
  /** {@code POST /tokens}: mint a short-lived token from the caller's key. */
  TOKEN_MINT("POST", "/tokens", Permission.MEMBER, Rule.NONE, true,
      "mint a token"),
  /** {@code GET /usage}: an organization's usage in the current period (the caller's own by default). */
  USAGE_GET("GET", "/usage", Permission.MEMBER, Rule.OWN_ORGANIZATION, false,
      "read an organization's usage", "customer_id"),
  /** {@code GET /credits}: a prepaid wallet and its history. */
  CREDITS_GET("GET", "/credits", Permission.MEMBER, Rule.OWN_ORGANIZATION, false,
      "read a wallet", "customer_id", "limit"),
  /** {@code POST /credits}: move money into or out of a wallet. */
  CREDITS_TOP_UP("POST", "/credits", Permission.OPERATOR, Rule.OWN_ORGANIZATION, false,
      "top up or deduct a wallet"),
  /** {@code GET /invoices}: an organization's invoices (the caller's own by default). */
  INVOICE_LIST("GET", "/invoices", Permission.MEMBER, Rule.OWN_ORGANIZATION, false,
      "list an organization's invoices", "customer_id", "limit"),
  /** {@code GET /invoices/{number}}: one of an organization's invoices. */
  INVOICE_GET("GET", "/invoices/{number}", Permission.MEMBER, Rule.OWN_ORGANIZATION, false,
      "read one of an organization's invoices", "customer_id", "format"),
  /** {@code POST /cache/invalidate}: drop cached answers by tag, for one organization or for all. */
  CACHE_INVALIDATE("POST", "/cache/invalidate", Permission.OPERATOR, Rule.NONE, false,
      "drop cached answers by tag, for one organization or for every one"),
  /** {@code GET /audit}: an organization's audit trail, a page at a time. */
  AUDIT_LIST("GET", "/audit", Permission.KEYS_WRITE, Rule.OWN_ORGANIZATION, false,
      "read an organization's audit trail", "customer_id", "from", "to",
      "operation", "status", "cursor", "limit"),
  /** {@code GET /audit/export}: an organization's audit trail as JSON lines. */
  AUDIT_EXPORT("GET", "/audit/export", Permission.KEYS_WRITE, Rule.OWN_ORGANIZATION, false,
      "export an organization's audit trail as JSON lines, oldest first", "customer_id", "from", "to", "operation",
      "status"),
  /** {@code GET /shield}: the shield's allow and deny lists. */
  SHIELD_GET("GET", "/shield", Permission.OPERATOR, Rule.NONE, false,
      "read the shield's allow and deny lists"),
  /** {@code POST /shield/deny}: deny a network. */
  SHIELD_DENY("POST", "/shield/deny", Permission.OPERATOR, Rule.NONE, false,
      "deny a network (CIDR), for a while or until removed"),
  /** {@code POST /shield/allow}: always let a network through the shield. */
  SHIELD_ALLOW("POST", "/shield/allow", Permission.OPERATOR, Rule.NONE, false,
      "let a network (CIDR) through the shield, for a while or until removed"),
  /** {@code DELETE /shield/deny/{id}}: remove a deny entry. */
  SHIELD_DENY_REMOVE("DELETE", "/shield/deny/{id}", Permission.OPERATOR, Rule.NONE, false,
      "remove an entry of the deny list"),
  /** {@code DELETE /shield/allow/{id}}: remove an allow entry. */
  SHIELD_ALLOW_REMOVE("DELETE", "/shield/allow/{id}", Permission.OPERATOR, Rule.NONE, false,
      "remove an entry of the allow list"),
  /** {@code GET /shield/bans}: the addresses banned now. */
  SHIELD_BANS("GET", "/shield/bans", Permission.OPERATOR, Rule.NONE, false,
      "list the addresses banned after repeated authentication failures"),
  /** {@code DELETE /shield/bans/{address}}: lift a ban. */
  SHIELD_LIFT("DELETE", "/shield/bans/{address}", Permission.OPERATOR, Rule.NONE, false,
      "lift the ban of an address"),
  /** {@code GET /analytics/sla}: each plan's latency, errors and availability per day, against its target. */
  ANALYTICS_SLA("GET", "/analytics/sla", Permission.OPERATOR, Rule.NONE, false,
      "read each plan's SLA: p50 and p99 latency, error rate, availability, the days that missed", "from", "to"),
  /** {@code GET /analytics/costs}: revenue, cost and margin per operation and per customer. */
  ANALYTICS_COSTS("GET", "/analytics/costs", Permission.OPERATOR, Rule.NONE, false,
      "read revenue, cost, margin and cache savings per operation and per customer", "from", "to"),
  /** {@code GET /analytics/customers}: top customers, error rates and upsell signals. */
  ANALYTICS_CUSTOMERS("GET", "/analytics/customers", Permission.OPERATOR, Rule.NONE, false,
      "read the top customers by revenue and calls, their error rates and upsell signals", "from", "to", "limit"),
  /** {@code POST /analytics/what-if}: every customer's revenue under a candidate plan. */
  ANALYTICS_WHAT_IF("POST", "/analytics/what-if", Permission.OPERATOR, Rule.NONE, false,
      "price a candidate plan against every customer's usage of a period"),
  /** {@code GET /pricing}: the price list. */
  PRICING_GET("GET", "/pricing", Permission.PUBLIC, Rule.NONE, false,
      "read the price list"),
  /** {@code GET /plans}: the plans and their limits as JSON (what an upgrade would change). */
  PLANS_GET("GET", "/plans", Permission.PUBLIC, Rule.NONE, false,
      "read the plans, their limits and prices"),
  /** {@code GET /usage/days}: an organization's usage per day of the current period. */
  USAGE_DAYS("GET", "/usage/days", Permission.MEMBER, Rule.OWN_ORGANIZATION, false,
      "read an organization's usage per day of the current period", "customer_id"),
  /** {@code GET /dashboard}: the customer dashboard's page (no data in it: it signs in with a key). */
  DASHBOARD_PAGE("GET", "/dashboard", Permission.ANYONE, Rule.NONE, false,
      "load the dashboard's page"),
  /** {@code GET /dashboard/assets/{name}}: a script, style sheet or chart library of the dashboard. */
  DASHBOARD_ASSET("GET", "/dashboard/assets/{name}", Permission.ANYONE, Rule.NONE, false,
      "load one of the dashboard's static assets"),
  /** {@code POST /dashboard/session}: exchange an API key for a dashboard session (a cookie). */
  SESSION_OPEN("POST", "/dashboard/session", Permission.MEMBER, Rule.NONE, true,
      "sign in to the dashboard (a session cookie for the key in the Authorization header)"),
  /** {@code GET /dashboard/session}: who the session (or the credential) is. */
  SESSION_GET("GET", "/dashboard/session", Permission.MEMBER, Rule.NONE, false,
      "read who the dashboard session is"),
  /** {@code DELETE /dashboard/session}: sign out. */
  SESSION_CLOSE("DELETE", "/dashboard/session", Permission.MEMBER, Rule.NONE, false,
      "sign out of the dashboard");

  /** The ownership rule for an operation's target. */
  public enum Rule {
    /** No target beyond the caller itself. */
    NONE("the caller's own"),
    /** An organization: the caller's own (the operator: any). */
    OWN_ORGANIZATION("own organization"),
    /** A key of the caller's own organization (the operator: any). */
    KEY_IN_OWN_ORGANIZATION("key of own organization"),
    /**
     * A key of the caller's own organization whose scopes the caller's scopes cover, so that no
     * key takes over a stronger one (the operator: any key without a reserved scope it lacks).
     */
    KEY_COVERED("key of own organization whose scopes the caller's cover");

    private final String words;

    Rule(String words) {
      this.words = words;
    }

    /** The rule in words (for the generated table). */
    public String words() {
      return words;
    }
  }

  /**
   * A request path matched to its operation.
   *
   * @param operation the operation
   * @param parameters the path parameters by name
   */
  public record Match(ManagementOperation operation, Map<String, String> parameters) {
    /** Copies. */
    public Match {
      parameters = Map.copyOf(parameters);
    }
  }

  private final String method;
  private final String path;
  private final Permission permission;
  private final Rule rule;
  private final boolean keyOnly;
  private final String summary;
  private final List<String> segments;
  private final java.util.SortedSet<String> query;

  ManagementOperation(String method, String path, Permission permission, Rule rule, boolean keyOnly, String summary,
      String... query) {
    this.query = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(List.of(query)));
    this.method = method;
    this.path = path;
    this.permission = permission;
    this.rule = rule;
    this.keyOnly = keyOnly;
    this.summary = summary;
    this.segments = List.of(path.substring(1).split("/"));
  }

  /** The HTTP method. */
  public String method() {
    return method;
  }

  /** The path template below the management prefix, e.g. {@code /keys/{id}/rotate}. */
  public String path() {
    return path;
  }

  /** What the caller must hold. */
  public Permission permission() {
    return permission;
  }

  /** The ownership rule for the target. */
  public Rule rule() {
    return rule;
  }

  /** Whether only an API key may do this: a token never creates, rotates or revokes keys or mints tokens. */
  public boolean keyOnly() {
    return keyOnly;
  }

  /** What it does, in words. */
  public String summary() {
    return summary;
  }

  /** The query parameters it takes; any other is refused ({@code bad_request}). */
  public java.util.SortedSet<String> queryParameters() {
    return query;
  }

  /** The path parameters of {@code route} if it has this operation's shape (any method). */
  Optional<Map<String, String>> parameters(String route) {
    if (!route.startsWith("/")) {
      return Optional.empty();
    }
    String[] parts = route.substring(1).split("/", -1);
    if (parts.length != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new java.util.HashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String s = segments.get(i);
      if (s.startsWith("{")) {
        if (parts[i].isEmpty()) {
          return Optional.empty();
        }
        params.put(s.substring(1, s.length() - 1), parts[i]);
      } else if (!s.equals(parts[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  /** The operation serving {@code method} on {@code route} (the path below the prefix), if any. */
  public static Optional<Match> match(String method, String route) {
    String served = method.equals("HEAD") ? "GET" : method; // HEAD wherever GET (RFC 9110): the adapter drops the body
    for (ManagementOperation op : values()) {
      if (op.method.equals(served)) {
        Optional<Map<String, String>> p = op.parameters(route);
        if (p.isPresent()) {
          return Optional.of(new Match(op, p.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** The methods served on {@code route}, for {@code Allow} (empty: no such resource). */
  public static List<String> methodsOn(String route) {
    return java.util.Arrays.stream(values()).filter(op -> op.parameters(route).isPresent())
        .flatMap(op -> op.method.equals("GET") ? java.util.stream.Stream.of("GET", "HEAD") : java.util.stream.Stream.of(op.method))
        .distinct().sorted().toList();
  }
}
