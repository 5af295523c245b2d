package dev.monetize.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code monetize.*} settings of the Spring Boot starter. Every one has a default that runs
 * with nothing but a plans file; secrets (the pepper, the token secret, the operator key) come from
 * the environment or a secret store, never from a file in the repository.
 *
 * <pre>{@code
 * monetize.plans=classpath:plans.yaml
 * monetize.environment=live
 * monetize.key-pepper=${MONETIZE_KEY_PEPPER}
 * monetize.trusted-proxies=10.0.0.0/8
 * monetize.journal.directory=/var/lib/my-service/usage
 * }</pre>
 */
@ConfigurationProperties("monetize")
public class MonetizeProperties {
  /** Whether the starter configures Monetize at all. */
  private boolean enabled = true;
  /** Where the plans file is (a Spring resource location). */
  private String plans = "classpath:monetize-plans.yaml";
  /** Which keys are issued and accepted: {@code live} ({@code mk_live_}) or {@code test} ({@code mk_test_}). */
  private String environment = "live";
  /**
   * The server-side pepper key secrets are hashed with (HMAC-SHA-256), at least 32 characters; every
   * instance sharing a key store needs the same one. Empty: plain SHA-256.
   */
  private String keyPepper = "";
  /** The HS256 secret access tokens are signed with (at least 32 characters); empty: a random one per start. */
  private String tokenSecret = "";
  /** The operator's credential (the management API's operator, {@code /metrics}); empty: no operator. */
  private String operatorKey = "";
  /** What a route outside the plans and the annotated handlers gets: {@code not-found} or {@code pass-through}. */
  private String unmatchedRoutes = "not-found";
  /** The proxies (CIDRs) whose {@code Forwarded} and {@code X-Forwarded-For} headers are believed. */
  private List<String> trustedProxies = new ArrayList<>();
  /**
   * Path prefixes left to the application, not monetized (Actuator's base path is added when it
   * serves on the application's port).
   */
  private List<String> passThrough = new ArrayList<>();
  /**
   * Exact paths of the application's own endpoints (such as {@code /metrics}) served to the operator
   * only: any other caller gets problem JSON, and the requests are not metered.
   */
  private List<String> operatorOnly = new ArrayList<>();
  /** Whether {@code /openapi.json} and the price list are served to anyone. */
  private boolean publishDocs = false;
  /** The title of the generated OpenAPI document. */
  private String apiTitle = "API";
  /** The version of the generated OpenAPI document. */
  private String apiVersion = "1.0.0";
  /**
   * The order of the filter. The default, -9950, runs it before Spring's {@code FormContentFilter}
   * (-9900), which reads a whole {@code PUT}, {@code PATCH} or {@code DELETE} form body into memory,
   * and before Spring Security's filter chain (-100), so that a request without a key is refused
   * before anything reads its body and API keys are judged by Monetize; and after
   * {@code HiddenHttpMethodFilter} (-10000, when enabled), so that Monetize routes the method the
   * application will see.
   */
  private int filterOrder = -9950;
  /** The usage journal: a directory on local disk, and how often it is forced to it. */
  private final Journal journal = new Journal();
  /** Whether the application's {@code DataSource} keeps keys, usage, invoices and the audit trail. */
  private boolean useDataSource = true;
  /** Whether the application's Redis (Lettuce) keeps limits, cached answers and the shield's lists. */
  private boolean useRedis = true;
  /** The prefix of every Redis key Monetize writes. */
  private String redisKeyPrefix = "monetize:";
  /**
   * How long a limit check waits for Redis before the limit's outage policy decides (it is on every
   * request's path: keep it short).
   */
  private Duration redisCommandTimeout = Duration.ofMillis(200);
  /** The health indicator reports DOWN when usage has waited longer than this for its sink. */
  private Duration usageDeliveryMaxAge = Duration.ofMinutes(5);

  /** Defaults, as documented on each setting. */
  public MonetizeProperties() {}

  /** The usage journal settings. */
  public static class Journal {
    /** No journal until a directory is set. */
    public Journal() {}

    /** The directory (empty: no journal; usage waits in memory for the sink). */
    private String directory = "";
    /** {@code never}, {@code always} or an interval such as {@code 1s}. */
    private String fsync = "1s";

    public String getDirectory() {
      return directory;
    }

    public void setDirectory(String directory) {
      this.directory = directory;
    }

    public String getFsync() {
      return fsync;
    }

    public void setFsync(String fsync) {
      this.fsync = fsync;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getPlans() {
    return plans;
  }

  public void setPlans(String plans) {
    this.plans = plans;
  }

  public String getEnvironment() {
    return environment;
  }

  public void setEnvironment(String environment) {
    this.environment = environment;
  }

  public String getKeyPepper() {
    return keyPepper;
  }

  public void setKeyPepper(String keyPepper) {
    this.keyPepper = keyPepper;
  }

  public String getTokenSecret() {
    return tokenSecret;
  }

  public void setTokenSecret(String tokenSecret) {
    this.tokenSecret = tokenSecret;
  }

  public String getOperatorKey() {
    return operatorKey;
  }

  public void setOperatorKey(String operatorKey) {
    this.operatorKey = operatorKey;
  }

  public String getUnmatchedRoutes() {
    return unmatchedRoutes;
  }

  public void setUnmatchedRoutes(String unmatchedRoutes) {
    this.unmatchedRoutes = unmatchedRoutes;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public List<String> getPassThrough() {
    return passThrough;
  }

  public void setPassThrough(List<String> passThrough) {
    this.passThrough = passThrough;
  }

  public List<String> getOperatorOnly() {
    return operatorOnly;
  }

  public void setOperatorOnly(List<String> operatorOnly) {
    this.operatorOnly = operatorOnly;
  }

  public boolean isPublishDocs() {
    return publishDocs;
  }

  public void setPublishDocs(boolean publishDocs) {
    this.publishDocs = publishDocs;
  }

  public String getApiTitle() {
    return apiTitle;
  }

  public void setApiTitle(String apiTitle) {
    this.apiTitle = apiTitle;
  }

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  public int getFilterOrder() {
    return filterOrder;
  }

  public void setFilterOrder(int filterOrder) {
    this.filterOrder = filterOrder;
  }

  public Journal getJournal() {
    return journal;
  }

  public boolean isUseDataSource() {
    return useDataSource;
  }

  public void setUseDataSource(boolean useDataSource) {
    this.useDataSource = useDataSource;
  }

  public boolean isUseRedis() {
    return useRedis;
  }

  public void setUseRedis(boolean useRedis) {
    this.useRedis = useRedis;
  }

  public String getRedisKeyPrefix() {
    return redisKeyPrefix;
  }

  public void setRedisKeyPrefix(String redisKeyPrefix) {
    this.redisKeyPrefix = redisKeyPrefix;
  }

  public Duration getRedisCommandTimeout() {
    return redisCommandTimeout;
  }

  public void setRedisCommandTimeout(Duration redisCommandTimeout) {
    this.redisCommandTimeout = positive(redisCommandTimeout, "monetize.redis-command-timeout");
  }

  public Duration getUsageDeliveryMaxAge() {
    return usageDeliveryMaxAge;
  }

  public void setUsageDeliveryMaxAge(Duration usageDeliveryMaxAge) {
    this.usageDeliveryMaxAge = positive(usageDeliveryMaxAge, "monetize.usage-delivery-max-age");
  }

  private static Duration positive(Duration d, String property) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(property + " must be a positive duration such as 200ms or 5m, got " + d);
    }
    return d;
  }
}
