package dev.monetize.management.internal;

import dev.monetize.ApiRequest;
import dev.monetize.Decision;
import dev.monetize.Principal;
import dev.monetize.TimeSource;
import dev.monetize.audit.AuditEvent;
import dev.monetize.billing.AccountReports;
import dev.monetize.billing.WalletService;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.keys.CustomerService;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.internal.KeyRegistry;
import dev.monetize.limits.LimiterStore;
import dev.monetize.plans.Catalog;
import dev.monetize.tokens.Tokens;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the management API needs from the engine: its services and a few of its internals. The
 * engine hands it over at construction, so the management package depends on the engine's
 * services and never the other way round.
 */
public interface ManagementContext {
  /** The plans and operations. */
  Catalog catalog();

  /** Customers. */
  CustomerService customers();

  /** Keys, with the operator-only issuing and the counts. */
  KeyRegistry keys();

  /** Wallets. */
  WalletService wallet();

  /** Invalidation of cached answers. */
  dev.monetize.cache.CacheService cache();

  /** Usage reports and invoices. */
  AccountReports reports();

  /** The token service. */
  Tokens tokens();

  /** The key environment of the deployment. */
  KeyEnvironment environment();

  /** The clock. */
  TimeSource time();

  /** Randomness for generated ids. */
  SecureRandom random();

  /** Where the management rates are charged. */
  LimiterStore limiterStore();

  /** The path prefix of the management API. */
  String prefix();

  /** Whether public pages (the price list) are served without a credential. */
  boolean publishesDocs();

  /** The searchable audit trail, when the audit sink is one. */
  java.util.Optional<dev.monetize.audit.AuditStore> auditStore();

  /** The shield: the client address's verdict, the lists and bans the operator manages. */
  dev.monetize.shield.internal.Shield shield();

  /** Who sends this request (key or token), as the admission pipeline identifies it. */
  Decision authenticate(ApiRequest request);

  /** A token of the principal's key with these scopes, tied to the secret that authenticated it. */
  Optional<String> mintToken(Principal principal, Set<String> scopes, Instant now, Duration ttl);

  /** Hands an audit event to the audit sink. */
  void audit(AuditEvent event);

  /** Plan changes now and at the end of the period. */
  dev.monetize.billing.internal.PlanScheduler plans();

  /** The operator's analytics: SLA, costs, customers, what-if. */
  dev.monetize.insight.internal.Analytics analytics();

  /** How query parameters are kept in audit events. */
  dev.monetize.audit.internal.QueryRedaction redaction();

  /** A problem of {@code code} for this deployment's docs base. */
  Problem problem(ErrorCode code, String detail, String requestId);

  /** The dashboard's sign-in sessions. */
  DashboardSessions sessions();
}
