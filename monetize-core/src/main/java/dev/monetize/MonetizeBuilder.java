package dev.monetize;

import dev.monetize.audit.AuditOverflow;
import dev.monetize.audit.AuditSink;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.SecretHasher;
import dev.monetize.limits.LimiterStore;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.tokens.Tokens;
import dev.monetize.limits.OverloadSignal;
import java.math.BigDecimal;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link Monetize}. Only {@link #catalog(Catalog)} is required.
 */
public final class MonetizeBuilder {
  Catalog catalog;
  KeyStore keyStore = KeyStore.inMemory();
  CustomerStore customerStore = CustomerStore.inMemory();
  LimiterStore limiterStore = LimiterStore.inMemory();
  UsageSink usageSink = UsageSink.inMemory();
  AuditSink auditSink = AuditSink.logging();
  TimeSource timeSource = TimeSource.system();
  KeyEnvironment environment = KeyEnvironment.LIVE;
  URI docsBase = URI.create("https://monetize.dev");
  dev.monetize.openapi.ApiSchemas apiSchemas = dev.monetize.openapi.ApiSchemas.none();
  boolean legacyRateLimitHeaders;
  dev.monetize.http.UndeclaredMethods undeclaredMethods = dev.monetize.http.UndeclaredMethods.REFUSE;
  boolean publishDocs;
  String operatorKey;
  int auditQueueCapacity = 65_536;
  int[] quotaWarnings = {80, 95};
  java.util.Optional<dev.monetize.billing.UsageExport.Transport> eventTransport = java.util.Optional.empty();
  java.util.function.Consumer<dev.monetize.events.LifecycleEvent> eventListener = e -> { };
  String eventSource = "monetize";

  /**
   * The shares of a quota (percent, 1 to 100) at which answers start carrying
   * {@code Monetize-Quota-Warning} and a {@code dev.monetize.quota.threshold_crossed} event goes out
   * (default 80 and 95; none turns both off).
   */
  public MonetizeBuilder quotaWarnings(int... percents) {
    for (int p : percents) {
      if (p < 1 || p > 100) {
        throw new IllegalArgumentException("quota warning thresholds are percents from 1 to 100, got " + p);
      }
    }
    this.quotaWarnings = percents.clone();
    return this;
  }

  /**
   * Sends lifecycle events (quota thresholds, plan changes) as CloudEvents through {@code transport}
   * (for example a {@code WebhookTransport}: signed batches, dead letters kept), with {@code source}.
   */
  public MonetizeBuilder eventTransport(String source, dev.monetize.billing.UsageExport.Transport transport) {
    this.eventSource = Objects.requireNonNull(source, "source");
    this.eventTransport = java.util.Optional.of(transport);
    return this;
  }

  /** Also tells {@code listener} of each lifecycle event, on the events thread. */
  public MonetizeBuilder eventListener(java.util.function.Consumer<dev.monetize.events.LifecycleEvent> listener) {
    this.eventListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Null: chosen by the sink ({@link AuditWiring#overflow}). */
  AuditOverflow auditOverflow;
  byte[] auditKey;
  byte[] pepper;
  Duration usageFlushInterval = Duration.ofSeconds(1);
  java.nio.file.Path journalDir;
  dev.monetize.metering.FsyncPolicy fsync = dev.monetize.metering.FsyncPolicy.DEFAULT;
  SecureRandom random = new SecureRandom();
  OverloadSignal overloadSignal;
  Duration overloadRetryAfter = Duration.ofSeconds(2);
  SecretHasher hasher = SecretHasher.sha256();
  Duration keyCacheTtl = Duration.ofSeconds(30);
  Tokens tokens;
  Duration maxRotationOverlap = Duration.ofDays(7);
  String managementPrefix = "/monetize";
  String apiTitle = "API";
  BigDecimal lowCreditsThreshold;
  java.time.Duration invoiceGrace = java.time.Duration.ofHours(1);
  dev.monetize.cache.ResponseCache responseCache = dev.monetize.cache.ResponseCache.inMemory(64L << 20);
  /** Null: when the catalog uses it ({@link #measuresCpuTime}). */
  Boolean measureCpuTime;
  dev.monetize.billing.BillingHistory billingHistory = dev.monetize.billing.BillingHistory.inMemory();
  java.util.function.Consumer<dev.monetize.billing.CreditsLow> lowCreditsListener = e -> { };
  String apiVersion = "1.0.0";
  dev.monetize.management.ManagementLimits managementLimits =
      dev.monetize.management.ManagementLimits.defaults();

  dev.monetize.http.TrustedProxies trustedProxies = dev.monetize.http.TrustedProxies.none();

  MonetizeBuilder() {}

  /**
   * The proxies whose {@code Forwarded} / {@code X-Forwarded-For} headers are believed (default
   * none: the client is always the connection's peer). See {@link Monetize#clientAddress}.
   */
  public MonetizeBuilder trustedProxies(dev.monetize.http.TrustedProxies proxies) {
    this.trustedProxies = Objects.requireNonNull(proxies, "proxies");
    return this;
  }

  /**
   * Limits of the management API: rates per key and per organization for every call, tighter
   * rates for key creation and token minting, and caps on how many organizations, projects and
   * keys may exist (default {@link dev.monetize.management.ManagementLimits#defaults()}).
   */
  public MonetizeBuilder managementLimits(dev.monetize.management.ManagementLimits limits) {
    this.managementLimits = Objects.requireNonNull(limits, "limits");
    return this;
  }

  /**
   * Warns prepaid customers before they are cut off: every admitted call that leaves the balance
   * below {@code threshold} carries {@code Monetize-Credits-Low: <balance>}, and {@code listener}
   * hears of each crossing once (not once per request), again only after a top-up.
   */
  public MonetizeBuilder lowCredits(BigDecimal threshold, java.util.function.Consumer<dev.monetize.billing.CreditsLow> listener) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.signum() <= 0) {
      throw new IllegalArgumentException("the low-credits threshold must be positive, got " + threshold);
    }
    this.lowCreditsThreshold = threshold;
    this.lowCreditsListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Title and version of the generated OpenAPI document (default {@code API}, {@code 1.0.0}). */
  public MonetizeBuilder apiInfo(String title, String version) {
    this.apiTitle = Objects.requireNonNull(title, "title");
    this.apiVersion = Objects.requireNonNull(version, "version");
    return this;
  }

  /**
   * Hash key secrets with HMAC-SHA-256 and this server-side pepper (at least 32 bytes) instead of
   * plain SHA-256. Every JVM sharing a key store needs the same pepper.
   */
  public MonetizeBuilder keyPepper(byte[] pepper) {
    this.hasher = SecretHasher.hmacSha256(pepper);
    this.pepper = pepper.clone();
    return this;
  }

  /**
   * The key (at least 16 bytes) under which query values the audit trail does not keep in clear are
   * hashed. Default: derived from the {@linkplain #keyPepper key pepper} when there is one (every node
   * hashes alike), else random at each start (hashes then match within one run only).
   */
  public MonetizeBuilder auditQueryKey(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("the audit query key needs at least 16 bytes, got " + key.length);
    }
    this.auditKey = key.clone();
    return this;
  }

  /**
   * How long a verified key (or an unknown one) is cached (default 30 s, 0 to 10 min): the bound
   * within which a revocation or rotation done by another JVM takes effect here.
   */
  public MonetizeBuilder keyCacheTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("key cache TTL must be 0..10min, got " + ttl);
    }
    this.keyCacheTtl = ttl;
    return this;
  }

  /**
   * Whether the adapters compress answers with gzip for clients that take it (default on): bodies
   * above 1 KiB of types that shrink, never one that sets a cookie or says {@code no-store}. Turn it
   * off when a proxy in front compresses, or when answers mix secrets with what a caller sent
   * (BREACH).
   */
  public MonetizeBuilder compression(boolean compress) {
    this.compression = compress;
    return this;
  }

  boolean compression = true;
  boolean springSecurityCacheHeaders;

  /**
   * Whether an answer carrying exactly the cache headers Spring Security writes on every answer
   * ({@code Cache-Control: no-cache, no-store, max-age=0, must-revalidate}, {@code Pragma: no-cache},
   * {@code Expires: 0}) is stored by the response cache as any other (default off: such an answer says
   * {@code no-store}, and is not stored). The Spring Boot starter turns it on when Spring Security is
   * on the class path, whose defaults are no word of the application's about one answer.
   */
  public MonetizeBuilder springSecurityCacheHeaders(boolean defaultsAreNoMark) {
    this.springSecurityCacheHeaders = defaultsAreNoMark;
    return this;
  }
  dev.monetize.shield.ShieldStore shieldStore = dev.monetize.shield.ShieldStore.inMemory();

  /**
   * Where the shield's run-time allow and deny lists and its bans live (default in this JVM; a
   * shared store, such as {@code RedisShieldStore}, makes them every node's).
   */
  public MonetizeBuilder shieldStore(dev.monetize.shield.ShieldStore store) {
    this.shieldStore = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * Whether each call's CPU time is metered as {@code cpu_ms}, on JVMs that support thread CPU
   * time. By default it is whenever something uses it: a plan prices {@code cpu_ms}, or the cost
   * model has a {@code per_cpu_ms} ({@code Catalog.usesCpuTime}); otherwise not, since reading a
   * thread's CPU clock is a system call (about 0.5 us, twice per call). The time is the admitting
   * thread's until the call completes, or until the adapter hands an asynchronous call to another
   * thread ({@link Admission#handedOff}); an application's own executors are not counted.
   */
  public MonetizeBuilder measureCpuTime(boolean measure) {
    this.measureCpuTime = measure;
    return this;
  }

  /** Whether calls' CPU time is measured: as set, else when the catalog uses it. */
  boolean measuresCpuTime() {
    return measureCpuTime != null ? measureCpuTime : catalog.usesCpuTime();
  }

  /** Short-lived token settings and signing keys (default: a fresh ES256 key, 5 min tokens). */
  public MonetizeBuilder tokens(Tokens tokenService) {
    this.tokens = Objects.requireNonNull(tokenService, "tokenService");
    return this;
  }

  /** The longest overlap a key rotation may grant the old secret (default 7 days). */
  public MonetizeBuilder maxRotationOverlap(Duration max) {
    Objects.requireNonNull(max, "max");
    if (max.isNegative()) {
      throw new IllegalArgumentException("the maximum rotation overlap cannot be negative");
    }
    this.maxRotationOverlap = max;
    return this;
  }

  /** Path prefix under which adapters serve the management API (default {@code /monetize}). */
  public MonetizeBuilder managementPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.length() < 2) {
      throw new IllegalArgumentException("management prefix must look like /monetize, got '" + prefix + "'");
    }
    this.managementPrefix = prefix;
    return this;
  }

  /**
   * Sheds load by plan rank when {@code signal} says so: lower plans get {@code 503 overloaded}
   * first (default: never shed).
   */
  public MonetizeBuilder overloadSignal(OverloadSignal signal) {
    this.overloadSignal = Objects.requireNonNull(signal, "signal");
    return this;
  }

  /** The {@code Retry-After} of a shed request (default 2 s; 1 s to 1 h). */
  public MonetizeBuilder overloadRetryAfter(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("overload Retry-After must be 1s..1h, got " + retryAfter);
    }
    this.overloadRetryAfter = retryAfter;
    return this;
  }

  /** The plans and operations (required). */
  public MonetizeBuilder catalog(Catalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    return this;
  }

  /** Where keys live (default: in memory). */
  public MonetizeBuilder keyStore(KeyStore keyStore) {
    this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
    return this;
  }

  /** Where customers live (default: in memory). */
  public MonetizeBuilder customerStore(CustomerStore customerStore) {
    this.customerStore = Objects.requireNonNull(customerStore, "customerStore");
    return this;
  }

  /**
   * Where cached answers of operations with a cache policy live (default: in memory, 64 MiB of
   * bodies; {@code RedisResponseCache} shares them between nodes).
   */
  public MonetizeBuilder responseCache(dev.monetize.cache.ResponseCache cache) {
    this.responseCache = Objects.requireNonNull(cache, "cache");
    return this;
  }

  /** Where limiter state lives (default: in memory). */
  public MonetizeBuilder limiterStore(LimiterStore limiterStore) {
    this.limiterStore = Objects.requireNonNull(limiterStore, "limiterStore");
    return this;
  }

  /**
   * How long after a billing period ends its invoice waits before it is finalized (numbered, kept,
   * immutable), so usage still on its way from other nodes is on it; default one hour, at most 7 days.
   */
  public MonetizeBuilder invoiceGrace(java.time.Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative() || grace.compareTo(java.time.Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("the invoice grace period is 0 to 7 days, got " + grace);
    }
    this.invoiceGrace = grace;
    return this;
  }

  /** Where wallet entries, plan changes and final invoices are kept (default: in memory). */
  public MonetizeBuilder billingHistory(dev.monetize.billing.BillingHistory history) {
    this.billingHistory = Objects.requireNonNull(history, "history");
    return this;
  }

  /** Where usage goes (default: an in-memory sink). */
  public MonetizeBuilder usageSink(UsageSink usageSink) {
    this.usageSink = Objects.requireNonNull(usageSink, "usageSink");
    return this;
  }

  /** Where audit events go (default: JSON lines on the SLF4J logger {@code dev.monetize.audit}, at DEBUG). */
  public MonetizeBuilder auditSink(AuditSink auditSink) {
    this.auditSink = Objects.requireNonNull(auditSink, "auditSink");
    return this;
  }

  /** The clock (default: the system clock). */
  public MonetizeBuilder timeSource(TimeSource timeSource) {
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    return this;
  }

  /** Which keys this deployment accepts (default: {@link KeyEnvironment#LIVE}). */
  public MonetizeBuilder environment(KeyEnvironment environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  /**
   * The types of the operations' request and response bodies: the OpenAPI document
   * ({@code /openapi.json}, {@code /docs}) shows their schemas and examples. None by default.
   */
  public MonetizeBuilder apiSchemas(dev.monetize.openapi.ApiSchemas schemas) {
    this.apiSchemas = Objects.requireNonNull(schemas, "schemas");
    return this;
  }

  /**
   * Base of the error catalog the problem {@code type} URIs point at (default
   * {@code https://monetize.dev}); must be an absolute http(s) URI.
   */
  public MonetizeBuilder docsBase(URI docsBase) {
    Objects.requireNonNull(docsBase, "docsBase");
    if (!docsBase.isAbsolute() || !("https".equals(docsBase.getScheme()) || "http".equals(docsBase.getScheme()))) {
      throw new IllegalArgumentException("docsBase must be an absolute http(s) URI, got '" + docsBase + "'");
    }
    this.docsBase = docsBase;
    return this;
  }

  /**
   * What adapters do with a method the catalog does not declare on a monetized path (default
   * {@link dev.monetize.http.UndeclaredMethods#REFUSE}: {@code 405} with {@code Allow}).
   */
  public MonetizeBuilder undeclaredMethods(dev.monetize.http.UndeclaredMethods policy) {
    this.undeclaredMethods = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * The operator's credential: a secret of this deployment's environment (make one with
   * {@code monetize operator-key}, or {@code ApiKeys.newSecret}), kept in your secret store and
   * handed to every instance. Only its hash is held. Presented like any key, it runs the management
   * API as the operator (scope {@code monetize:admin}): create organizations, top up wallets, act on
   * every organization's keys, read any organization's usage and invoices. It is no customer: no
   * plan, no limits, no usage, and every monetized operation refuses it ({@code 403 scope_denied});
   * it mints no tokens. Optional: without it, the operator uses keys issued by
   * {@code keys().issueOperatorKey(organization)}.
   */
  public MonetizeBuilder operatorKey(String secret) {
    Objects.requireNonNull(secret, "operatorKey: the secret is null (is the variable or file that holds it set?)");
    if (dev.monetize.keys.ApiKeys.environmentOf(secret).isEmpty()) {
      throw new IllegalArgumentException("the operator key is not a well-formed secret (mk_live_ or mk_test_, 36 "
          + "characters, valid checksum); make one with `monetize operator-key`");
    }
    this.operatorKey = secret;
    return this;
  }

  /**
   * Publish the API reference and the price list to anyone (default off): the servlet filter then
   * serves {@code /openapi.json} and {@code /openapi.yaml} without a key, and
   * {@code GET /monetize/pricing} needs no credential. Off, the filter serves no document and the
   * price list needs a valid key or token. (A JAX-RS application publishes the document by
   * registering {@code OpenApiResource}.)
   */
  public MonetizeBuilder publishDocs(boolean publish) {
    this.publishDocs = publish;
    return this;
  }

  /** Also send {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (default off). */
  public MonetizeBuilder legacyRateLimitHeaders(boolean enabled) {
    this.legacyRateLimitHeaders = enabled;
    return this;
  }

  /**
   * Bound of the audit hand-off queue (default 65,536) and what happens when it is full (default:
   * {@link AuditOverflow#SPILL} for a {@linkplain AuditSink#durable() durable} sink when a usage journal
   * directory is set, {@link AuditOverflow#CALLER_RUNS} for one without, else {@link AuditOverflow#DROP}).
   */
  public MonetizeBuilder auditQueue(int capacity, AuditOverflow overflow) {
    if (capacity < 1 || capacity > 10_000_000) {
      throw new IllegalArgumentException("audit queue capacity must be 1..10000000, got " + capacity);
    }
    this.auditQueueCapacity = capacity;
    this.auditOverflow = Objects.requireNonNull(overflow, "overflow");
    return this;
  }

  /** How often usage is flushed to the sink (default 1 s; 10 ms to 1 h). */
  public MonetizeBuilder usageFlushInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("usage flush interval must be 10ms..1h, got " + interval);
    }
    this.usageFlushInterval = interval;
    return this;
  }

  /**
   * Journals usage in {@code directory} (created if missing) with the default fsync policy
   * (every second): each call is written there before its response completes, and calls the
   * sink has not acknowledged are delivered again after a restart, under the same record ids.
   * Without it (the default) usage waits in memory for the next flush, and a crash loses it.
   * One engine per directory; see {@code docs/metering.md}.
   */
  public MonetizeBuilder usageJournal(java.nio.file.Path directory) {
    return usageJournal(directory, dev.monetize.metering.FsyncPolicy.DEFAULT);
  }

  /** Journals usage in {@code directory} with the given fsync policy (see {@link dev.monetize.metering.FsyncPolicy}). */
  public MonetizeBuilder usageJournal(java.nio.file.Path directory, dev.monetize.metering.FsyncPolicy policy) {
    this.journalDir = Objects.requireNonNull(directory, "directory");
    this.fsync = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** The randomness keys are made from (default: a new {@link SecureRandom}). */
  public MonetizeBuilder secureRandom(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** Validates and starts the engine (one background thread for usage, one for audit). */
  public Monetize build() {
    dev.monetize.config.internal.JacksonVersions.require();
    if (catalog == null) {
      throw new IllegalStateException("Monetize.builder(): catalog(...) is required");
    }
    if (operatorKey != null && dev.monetize.keys.ApiKeys.environmentOf(operatorKey).orElseThrow() != environment) {
      throw new IllegalStateException("the operator key is a " + dev.monetize.keys.ApiKeys.environmentOf(operatorKey)
          .orElseThrow().prefix() + " secret; this deployment accepts " + environment.prefix() + " keys (set the "
          + "environment to match: MonetizeBuilder.environment(...), monetize.environment with the Spring Boot starter)");
    }
    StoreWarnings.of(limiterStore, billingHistory, usageSink instanceof dev.monetize.metering.UsageTotals);
    return new Monetize(this);
  }
}
