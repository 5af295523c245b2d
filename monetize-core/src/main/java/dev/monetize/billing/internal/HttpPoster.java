package dev.monetize.billing.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * POSTs to one billing provider URL safely (OWASP API7, server-side request forgery): https only,
 * the host in the allow-list when one is given,
 * the URL's host resolved before each attempt and refused when it is a loopback, private, link-local,
 * shared (100.64/10), unique-local (fc00::/7), multicast or unspecified address (unless private
 * networks are allowed, for tests and private deployments, which also allows plain http), redirects
 * never followed, a timeout on every attempt, and retries with exponential back-off and full jitter
 * on I/O errors, timeouts, 429 and 5xx.
 */
public final class HttpPoster {
  private final URI url;
  private final boolean allowPrivateNetworks;
  private final Duration timeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final HttpClient client;

  /** A poster to {@code url}; throws naming the problem when the URL is not acceptable. */
  public HttpPoster(URI url, java.util.Set<String> allowedHosts, boolean allowPrivateNetworks, Duration timeout,
      int maxAttempts, Duration backoff) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowPrivateNetworks && scheme.equals("http"))) {
      throw new IllegalArgumentException("a delivery URL must be https (plain http only with private networks "
          + "allowed); got " + url.getScheme());
    }
    if (url.getHost() == null || url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("a delivery URL needs a host and no user information");
    }
    if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(h -> h.equalsIgnoreCase(url.getHost()))) {
      throw new IllegalArgumentException("delivery host " + url.getHost() + " is not in the allow-list "
          + new java.util.TreeSet<>(allowedHosts));
    }
    if (timeout.isNegative() || timeout.isZero() || maxAttempts < 1 || maxAttempts > 10) {
      throw new IllegalArgumentException("need a positive timeout and 1 to 10 attempts");
    }
    if (backoff.isNegative()) {
      throw new IllegalArgumentException("the back-off between attempts is 0 or more, got " + backoff);
    }
    this.url = url;
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.timeout = timeout;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
  }

  /**
   * Posts {@code body}; {@code headers} gives each attempt's headers from its Unix time (a
   * signature covers it). Empty when the provider took it (2xx), else why not.
   */
  public Optional<String> post(String contentType, byte[] body, LongFunction<Map<String, String>> headers) {
    String reason = "not attempted";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        sleep(attempt);
      }
      Optional<String> refused = refusal();
      if (refused.isPresent()) {
        return refused; // not worth retrying: the address will not change its class
      }
      HttpRequest.Builder r = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.apply(System.currentTimeMillis() / 1_000).forEach(r::header);
      java.util.concurrent.CompletableFuture<HttpResponse<Void>> sent = client.sendAsync(r.build(), UNREAD);
      try {
        // the answer's body is never read: a provider (or an impostor) cannot stall or flood us with it;
        // the request's timeout ends at the answer's head, and this wait too (a second more for the hand-over)
        HttpResponse<Void> answer = sent.get(timeout.toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        int status = answer.statusCode();
        if (status >= 200 && status < 300) {
          return Optional.empty();
        }
        reason = "answered " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
        if (status != 429 && status < 500) {
          return Optional.of(reason);
        }
      } catch (java.util.concurrent.ExecutionException e) {
        reason = "failed: " + (e.getCause() == null ? e : e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        sent.cancel(true);
        reason = "failed: no answer within " + timeout.toMillis() + " ms (timed out)";
      } catch (InterruptedException e) {
        sent.cancel(true);
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.of(reason + " (after " + maxAttempts + " attempts)");
  }

  /**
   * Takes the answer's head and none of its body: the subscription is cancelled at once (the
   * connection is closed rather than kept for the next attempt), so a body sent slowly, or never
   * ending, costs nothing.
   */
  private static final HttpResponse.BodyHandler<Void> UNREAD = info -> new HttpResponse.BodySubscriber<>() {
    private final java.util.concurrent.CompletableFuture<Void> done =
        java.util.concurrent.CompletableFuture.completedFuture(null);

    @Override
    public java.util.concurrent.CompletionStage<Void> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(java.util.List<java.nio.ByteBuffer> item) {
      // none is asked for
    }

    @Override
    public void onError(Throwable throwable) {
      // the body was never wanted
    }

    @Override
    public void onComplete() {
      // nothing to finish
    }
  };

  /** Why a post would be refused now, without sending: the host resolves to a private or local address. */
  public Optional<String> refusal() {
    if (allowPrivateNetworks) {
      return Optional.empty();
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(url.getHost())) {
        if (isPrivate(a)) {
          return Optional.of("refused: " + url.getHost() + " resolves to a private or local address "
              + a.getHostAddress() + " (allow private networks to deliver there)");
        }
      }
      return Optional.empty();
    } catch (UnknownHostException e) {
      return Optional.empty(); // the attempt fails and is retried
    }
  }

  /** Whether {@code a} is an address a delivery must not reach from the public internet's side. */
  public static boolean isPrivate(InetAddress a) {
    byte[] b = a.getAddress();
    boolean sharedV4 = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10
    boolean thisNetwork = b.length == 4 && b[0] == 0;
    boolean benchmarkV4 = b.length == 4 && (b[0] & 0xff) == 198 && (b[1] & 0xfe) == 18; // 198.18.0.0/15
    boolean reservedV4 = b.length == 4 && (b[0] & 0xf0) == 0xf0; // 240.0.0.0/4 and broadcast
    boolean protocolV4 = b.length == 4 && (b[0] & 0xff) == 192 && b[1] == 0 && b[2] == 0; // 192.0.0.0/24
    boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc; // fc00::/7
    return a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress() || sharedV4 || thisNetwork || benchmarkV4 || reservedV4 || protocolV4
        || uniqueLocalV6 || embedsV4(b);
  }

  /**
   * Whether {@code b} is an IPv6 address that carries an IPv4 address a gateway or the host's own
   * stack may reach (which one it carries does not matter: none is a webhook receiver's real address):
   * 6to4 {@code 2002::/16}, NAT64 {@code 64:ff9b::/32}, Teredo {@code 2001::/32}, IPv4-compatible
   * {@code ::/96}, IPv4-translated {@code ::ffff:0:0:0/96} and IPv4-mapped {@code ::ffff:0:0/96} (which
   * a name lookup gives as the IPv4 address itself, an {@code Inet6Address} built from bytes does not).
   */
  private static boolean embedsV4(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    boolean sixToFour = b[0] == 0x20 && b[1] == 0x02;
    boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    boolean teredo = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0;
    boolean zeros = true; // the first eight bytes
    for (int i = 0; i < 8; i++) {
      zeros &= b[i] == 0;
    }
    boolean compatible = zeros && b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0;
    boolean translated = zeros && b[8] == (byte) 0xff && b[9] == (byte) 0xff && b[10] == 0 && b[11] == 0;
    boolean mapped = zeros && b[8] == 0 && b[9] == 0 && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    return sixToFour || nat64 || teredo || compatible || translated || mapped;
  }

  private void sleep(int attempt) {
    long cap = backoff.toMillis() << Math.min(attempt - 2, 10);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1)); // jitter: half to all of it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
