package dev.monetize.management;

import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the management plane. Every management call is charged to the calling key and to its
 * organization ({@code 429 rate_limited} with {@code Retry-After} and {@code RateLimit} headers
 * when either is used up); key creation and token minting have tighter rates of their own; and
 * what an organization may create is capped in count ({@code 429 count_limit_reached}).
 *
 * <pre>{@code
 * ManagementLimits limits = ManagementLimits.custom()
 *     .perKey(Rate.perSecond(20).withBurst(30))
 *     .maxKeysPerOrganization(5_000)
 *     .build();
 * Monetize.builder().catalog(catalog).managementLimits(limits);
 * }</pre>
 *
 * @param perKey every management call, per calling key (default 20 per second, burst 30); also,
 *     per client address, every call without a valid credential (the price list, refused keys)
 * @param perOrganization every management call, per calling organization (default 50 per second, burst 100)
 * @param keyCreation key creation, per organization (default 30 per minute, burst 9)
 * @param tokenMinting token minting, per key (default 120 per minute, burst 29)
 * @param maxOrganizations organizations in the deployment; only the operator creates them (default 10,000)
 * @param maxProjectsPerOrganization projects of one organization (default 100)
 * @param maxKeysPerOrganization keys of one organization that are not revoked (default 1,000)
 */
public record ManagementLimits(Rate perKey, Rate perOrganization, Rate keyCreation, Rate tokenMinting,
    long maxOrganizations, long maxProjectsPerOrganization, long maxKeysPerOrganization) {
  /** Validates. */
  public ManagementLimits {
    Objects.requireNonNull(perKey, "perKey");
    Objects.requireNonNull(perOrganization, "perOrganization");
    Objects.requireNonNull(keyCreation, "keyCreation");
    Objects.requireNonNull(tokenMinting, "tokenMinting");
    positive("maxOrganizations", maxOrganizations);
    positive("maxProjectsPerOrganization", maxProjectsPerOrganization);
    positive("maxKeysPerOrganization", maxKeysPerOrganization);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException("ManagementLimits." + name + " must be at least 1, got " + value);
    }
  }

  /** The documented defaults. */
  public static ManagementLimits defaults() {
    return custom().build();
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** Builder of {@link ManagementLimits}. */
  public static final class Builder {
    private Rate perKey = Rate.perSecond(20).withBurst(30);
    private Rate perOrganization = Rate.perSecond(50).withBurst(100);
    private Rate keyCreation = Rate.perMinute(30).withBurst(9);
    private Rate tokenMinting = Rate.perMinute(120).withBurst(29);
    private long maxOrganizations = 10_000;
    private long maxProjectsPerOrganization = 100;
    private long maxKeysPerOrganization = 1_000;

    private Builder() {}

    /** Every management call, per calling key. */
    public Builder perKey(Rate rate) {
      this.perKey = Objects.requireNonNull(rate, "rate");
      return this;
    }

    /** Every management call, per calling organization. */
    public Builder perOrganization(Rate rate) {
      this.perOrganization = Objects.requireNonNull(rate, "rate");
      return this;
    }

    /** Key creation, per organization. */
    public Builder keyCreation(Rate rate) {
      this.keyCreation = Objects.requireNonNull(rate, "rate");
      return this;
    }

    /** Token minting, per key. */
    public Builder tokenMinting(Rate rate) {
      this.tokenMinting = Objects.requireNonNull(rate, "rate");
      return this;
    }

    /** Organizations in the deployment. */
    public Builder maxOrganizations(long max) {
      this.maxOrganizations = max;
      return this;
    }

    /** Projects per organization. */
    public Builder maxProjectsPerOrganization(long max) {
      this.maxProjectsPerOrganization = max;
      return this;
    }

    /** Keys per organization that are not revoked. */
    public Builder maxKeysPerOrganization(long max) {
      this.maxKeysPerOrganization = max;
      return this;
    }

    /** Validates and builds. */
    public ManagementLimits build() {
      return new ManagementLimits(perKey, perOrganization, keyCreation, tokenMinting, maxOrganizations,
          maxProjectsPerOrganization, maxKeysPerOrganization);
    }
  }

  /** A rate generous enough to never get in the way (for tests and trusted internal callers). */
  public static Rate unlimited() {
    return Rate.of(1_000_000, Duration.ofSeconds(1)).withBurst(1_000_000);
  }
}
