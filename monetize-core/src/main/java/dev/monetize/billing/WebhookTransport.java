package dev.monetize.billing;

import dev.monetize.billing.internal.HttpPoster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers usage events in batches to a webhook: one {@code POST} of a JSON array
 * ({@code application/cloudevents-batch+json}, CloudEvents 1.0 batched mode) per batch, signed as
 * Stripe signs its webhooks ({@code Monetize-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">}), with an {@code Idempotency-Key} derived from the batch's event ids (the same on
 * every retry), retried with exponential back-off and jitter; https only, no redirects, private
 * addresses refused (see {@link Builder#allowPrivateNetworks}).
 *
 * <pre>{@code
 * UsageExport export = UsageExport.cloudEvents("https://api.example.com",
 *     WebhookTransport.builder(URI.create("https://billing.example.com/usage"), secret).build(),
 *     DeadLetterStore.inDirectory(Path.of("/var/lib/monetize/dead-letters")));
 * }</pre>
 */
public final class WebhookTransport implements UsageExport.Transport {
  /** The content type of a batch. */
  public static final String CONTENT_TYPE = "application/cloudevents-batch+json";

  private final HttpPoster poster;
  private final byte[] secret;

  private WebhookTransport(Builder b) {
    this.poster = b.poster(b.url);
    this.secret = b.secret.getBytes(StandardCharsets.UTF_8);
  }

  /** Starts a builder for {@code url}, signing with {@code secret} (at least 16 characters). */
  public static Builder builder(URI url, String secret) {
    return new Builder(url, secret);
  }

  @Override
  public Optional<String> refusal() {
    return poster.refusal();
  }

  @Override
  public List<UsageExport.DeadLetter> send(List<UsageExport.Event> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    StringBuilder body = new StringBuilder("[");
    List<String> ids = new ArrayList<>();
    for (UsageExport.Event e : events) {
      body.append(body.length() > 1 ? "," : "").append(e.body());
      ids.add(e.id());
    }
    byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
    String key = idempotencyKey(ids);
    Optional<String> failed = poster.post(CONTENT_TYPE, bytes, t -> Map.of("Monetize-Signature",
        signature(secret, t, bytes), "Idempotency-Key", key));
    return failed.map(reason -> events.stream().map(e -> new UsageExport.DeadLetter(e.id(), e.body(), reason)).toList())
        .orElse(List.of());
  }

  /** {@code t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">}, what a receiver recomputes to check a batch. */
  public static String signature(byte[] secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  /** The batch's idempotency key: a digest of its event ids, so a retried batch carries the same one. */
  static String idempotencyKey(List<String> ids) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String id : ids) {
        d.update(id.getBytes(StandardCharsets.UTF_8));
        d.update((byte) '\n');
      }
      return HexFormat.of().formatHex(d.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Builder of {@link WebhookTransport}. */
  public static final class Builder extends TransportBuilder<Builder> {
    private final URI url;
    private final String secret;

    private Builder(URI url, String secret) {
      this.url = Objects.requireNonNull(url, "url");
      this.secret = Objects.requireNonNull(secret, "secret");
      if (secret.length() < 16) {
        throw new IllegalArgumentException("a webhook signing secret has at least 16 characters");
      }
    }

    /** Validates (https, a host) and builds. */
    public WebhookTransport build() {
      return new WebhookTransport(this);
    }
  }
}
