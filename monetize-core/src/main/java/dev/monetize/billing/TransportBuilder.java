package dev.monetize.billing;

import dev.monetize.billing.internal.HttpPoster;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The options every HTTP {@link UsageExport.Transport} takes: host allow-list, private networks,
 * timeout per attempt and retries ({@link WebhookTransport.Builder}, {@link StripeTransport.Builder}).
 *
 * @param <B> the builder itself, so the options chain
 */
public abstract class TransportBuilder<B extends TransportBuilder<B>> {
  private boolean allowPrivateNetworks;
  private Set<String> allowedHosts = Set.of();
  private Duration timeout = Duration.ofSeconds(10);
  private int maxAttempts = 4;
  private Duration backoff = Duration.ofMillis(500);

  /** For the transports' builders. */
  TransportBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * The hosts deliveries may go to (when the URL comes from configuration, say); the URL's host
   * must be one of them, or the build fails. Default: no list.
   */
  public B allowedHosts(String... hosts) {
    this.allowedHosts = Set.of(hosts);
    return self();
  }

  /** Allows loopback and private addresses, and plain http (tests, private deployments); default no. */
  public B allowPrivateNetworks(boolean allow) {
    this.allowPrivateNetworks = allow;
    return self();
  }

  /** The timeout of each attempt (connect and answer); default 10 s. */
  public B timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    return self();
  }

  /** Attempts per request, 1 to 10 (default 4), spaced by the back-off doubling with jitter. */
  public B retries(int maxAttempts, Duration backoff) {
    this.maxAttempts = maxAttempts;
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    return self();
  }

  /** The poster to {@code url} with these options (checks the URL). */
  HttpPoster poster(URI url) {
    return new HttpPoster(url, allowedHosts, allowPrivateNetworks, timeout, maxAttempts, backoff);
  }
}
