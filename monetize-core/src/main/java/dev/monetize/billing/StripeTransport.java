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
    this.poster = b.poster(b.url);
    this.apiKey = b.apiKey;
    this.budget = b.budget;
  }

  /** Starts a builder with Stripe's secret (or restricted) API key. */
  public static Builder builder(String apiKey) {
    return new Builder(apiKey);
  }

  @Override
  public Optional<String> refusal() {
    return poster.refusal();
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
  public static final class Builder extends TransportBuilder<Builder> {
    private final String apiKey;
    private URI url = METER_EVENTS;
    private Duration budget = Duration.ofSeconds(60);

    private Builder(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      if (!apiKey.matches("(sk|rk)_[A-Za-z0-9_]{8,}")) {
        throw new IllegalArgumentException("a Stripe API key is sk_ or rk_ followed by at least 8 letters, digits or "
            + "underscores (the secret or restricted key of the Stripe dashboard)");
      }
    }

    /** Another endpoint (a Stripe mock in tests); default {@link #METER_EVENTS}. */
    public Builder url(URI url) {
      this.url = Objects.requireNonNull(url, "url");
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
