package dev.monetize.billing;

import dev.monetize.billing.internal.HttpPoster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Delivers Stripe meter events ({@link UsageExport#stripe}) with Stripe's wire format: one
 * form-encoded {@code POST /v1/billing/meter_events} per event, {@code Authorization: Bearer} the
 * secret key, {@code Idempotency-Key} the event id (Stripe also de-duplicates by
 * {@code identifier}), retried with back-off and jitter on errors, 429 and 5xx; https only, no
 * redirects, private addresses refused.
 *
 * <pre>{@code
 * UsageExport export = UsageExport.stripe(ourId -> stripeCustomerOf(ourId),
 *     StripeTransport.builder(System.getenv("STRIPE_SECRET_KEY")).build(), DeadLetterStore.inDirectory(dir));
 * }</pre>
 */
public final class StripeTransport implements UsageExport.Transport {
  /** Stripe's meter events endpoint. */
  public static final URI METER_EVENTS = URI.create("https://api.stripe.com/v1/billing/meter_events");

  private final HttpPoster poster;
  private final String apiKey;
  private final Duration budget;

  private StripeTransport(Builder b) {
    this.poster = new HttpPoster(b.url, b.allowedHosts, b.allowPrivateNetworks, b.timeout, b.maxAttempts, b.backoff);
    this.apiKey = b.apiKey;
    this.budget = b.budget;
  }

  /** Starts a builder with Stripe's secret (or restricted) API key. */
  public static Builder builder(String apiKey) {
    return new Builder(apiKey);
  }

  @Override
  public List<UsageExport.DeadLetter> send(List<UsageExport.Event> events) {
    List<UsageExport.DeadLetter> dead = new ArrayList<>();
    long deadline = System.nanoTime() + budget.toNanos();
    for (UsageExport.Event e : events) {
      if (System.nanoTime() - deadline > 0) { // kept for a replay rather than holding the meter for hours
        dead.add(new UsageExport.DeadLetter(e.id(), e.body(), "not sent: the batch's time budget of "
            + budget.toSeconds() + " s ran out"));
        continue;
      }
      Optional<String> failed = poster.post("application/x-www-form-urlencoded",
          e.body().getBytes(StandardCharsets.UTF_8),
          t -> Map.of("Authorization", "Bearer " + apiKey, "Idempotency-Key", e.id()));
      failed.ifPresent(reason -> dead.add(new UsageExport.DeadLetter(e.id(), e.body(), reason)));
    }
    return dead;
  }

  /** Builder of {@link StripeTransport}. */
  public static final class Builder {
    private final String apiKey;
    private URI url = METER_EVENTS;
    private boolean allowPrivateNetworks;
    private java.util.Set<String> allowedHosts = java.util.Set.of();
    private Duration timeout = Duration.ofSeconds(10);
    private int maxAttempts = 4;
    private Duration backoff = Duration.ofMillis(500);
    private Duration budget = Duration.ofSeconds(60);

    private Builder(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      if (!apiKey.matches("(sk|rk)_[A-Za-z0-9_]{8,}")) {
        throw new IllegalArgumentException("a Stripe API key starts with sk_ or rk_");
      }
    }

    /** Another endpoint (a Stripe mock in tests); default {@link #METER_EVENTS}. */
    public Builder url(URI url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * The hosts deliveries may go to (when the URL comes from configuration, say); the URL's host
     * must be one of them, or the build fails. Default: no list.
     */
    public Builder allowedHosts(String... hosts) {
      this.allowedHosts = java.util.Set.of(hosts);
      return this;
    }

    /** Allows loopback and private addresses, and plain http (tests); default no. */
    public Builder allowPrivateNetworks(boolean allow) {
      this.allowPrivateNetworks = allow;
      return this;
    }

    /** The timeout of each attempt; default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Attempts per event, 1 to 10 (default 4), spaced by the back-off doubling with jitter. */
    public Builder retries(int maxAttempts, Duration backoff) {
      this.maxAttempts = maxAttempts;
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * How long one batch may take (one request per event); the events left when it runs out are
     * dead letters, replayed later. Default 60 s.
     */
    public Builder budget(Duration budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /** Validates and builds. */
    public StripeTransport build() {
      return new StripeTransport(this);
    }
  }
}
