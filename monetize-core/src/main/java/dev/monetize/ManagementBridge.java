package dev.monetize;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.internal.AsyncAuditDispatcher;
import dev.monetize.billing.AccountReports;
import dev.monetize.billing.WalletService;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.keys.CustomerService;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.internal.KeyRegistry;
import dev.monetize.limits.LimiterStore;
import dev.monetize.management.internal.ManagementContext;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.tokens.Tokens;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** What the management API may use of the engine: its services, the identification, the audit, the clock. */
final class ManagementBridge implements ManagementContext {
  private final java.net.URI docsBase;
  private final dev.monetize.shield.internal.Shield shield;
  private final java.util.Optional<dev.monetize.audit.AuditStore> auditStore;

  @Override
  public dev.monetize.shield.internal.Shield shield() {
    return shield;
  }

  @Override
  public java.util.Optional<dev.monetize.audit.AuditStore> auditStore() {
    return auditStore;
  }

  private final Catalog catalog;
  private final CustomerService customers;
  private final KeyRegistry keys;
  private final WalletService wallet;
  private final dev.monetize.cache.CacheService cache;
  private final AccountReports reports;
  private final Tokens tokens;
  private final KeyEnvironment environment;
  private final TimeSource time;
  private final SecureRandom random;
  private final LimiterStore limiter;
  private final String managementPrefix;
  private final boolean publishDocs;
  private final Identification identification;
  private final AsyncAuditDispatcher audit;

  ManagementBridge(java.net.URI docsBase, Catalog catalog, CustomerService customers, KeyRegistry keys, WalletService wallet,
      dev.monetize.cache.CacheService cache,
      AccountReports reports, Tokens tokens, KeyEnvironment environment, TimeSource time, SecureRandom random,
      LimiterStore limiter, String managementPrefix, Identification identification, AsyncAuditDispatcher audit,
      boolean publishDocs, dev.monetize.shield.internal.Shield shield,
      java.util.Optional<dev.monetize.audit.AuditStore> auditStore, dev.monetize.insight.internal.Analytics analytics,
      dev.monetize.billing.internal.PlanScheduler plans, dev.monetize.keys.internal.Credentials credentials) {
    this.analytics = analytics;
    this.plans = plans;
    this.shield = shield;
    this.auditStore = auditStore;
    this.docsBase = docsBase;
    this.catalog = catalog;
    this.customers = customers;
    this.keys = keys;
    this.wallet = wallet;
    this.cache = cache;
    this.reports = reports;
    this.tokens = tokens;
    this.environment = environment;
    this.time = time;
    this.random = random;
    this.limiter = limiter;
    this.managementPrefix = managementPrefix;
    this.publishDocs = publishDocs;
    this.identification = identification;
    this.audit = audit;
    this.asOperation = Operation.builder("monetize.management", "POST", managementPrefix)
        .scope("monetize:management").build();
    this.sessions = new SessionStore(identification, credentials, environment, time, random, asOperation);
  }

  private final SessionStore sessions;

  @Override
  public dev.monetize.management.internal.DashboardSessions sessions() {
    return sessions;
  }

  /** Management requests are identified as this operation (it has no route and no price). */
  private final Operation asOperation;

  @Override
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public CustomerService customers() {
    return customers;
  }

  @Override
  public KeyRegistry keys() {
    return keys;
  }

  @Override
  public WalletService wallet() {
    return wallet;
  }

  @Override
  public dev.monetize.cache.CacheService cache() {
    return cache;
  }

  @Override
  public AccountReports reports() {
    return reports;
  }

  @Override
  public Tokens tokens() {
    return tokens;
  }

  @Override
  public KeyEnvironment environment() {
    return environment;
  }

  @Override
  public TimeSource time() {
    return time;
  }

  @Override
  public SecureRandom random() {
    return random;
  }

  @Override
  public LimiterStore limiterStore() {
    return limiter;
  }

  @Override
  public String prefix() {
    return managementPrefix;
  }

  @Override
  public boolean publishesDocs() {
    return publishDocs;
  }

  @Override
  public Decision authenticate(ApiRequest request) {
    return identification.identify(asOperation, request);
  }

  @Override
  public Optional<String> mintToken(Principal principal, Set<String> scopes, Instant now, Duration ttl) {
    return keys.mintToken(principal, scopes, now, ttl, tokens);
  }

  @Override
  public void audit(AuditEvent event) {
    audit.submit(event);
  }

  private final dev.monetize.insight.internal.Analytics analytics;
  private final dev.monetize.billing.internal.PlanScheduler plans;

  @Override
  public dev.monetize.billing.internal.PlanScheduler plans() {
    return plans;
  }

  @Override
  public dev.monetize.insight.internal.Analytics analytics() {
    return analytics;
  }

  @Override
  public dev.monetize.audit.internal.QueryRedaction redaction() {
    return audit.redaction();
  }

  @Override
  public Problem problem(ErrorCode code, String detail, String requestId) {
    return Problem.of(code, docsBase, detail, requestId);
  }
}
