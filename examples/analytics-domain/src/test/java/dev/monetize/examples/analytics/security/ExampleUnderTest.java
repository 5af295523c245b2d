package dev.monetize.examples.analytics.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.TimeSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running example (servlet or JAX-RS) seen over real HTTP, with a clock the test can move
 * forward. The security suites run against it.
 */
public final class ExampleUnderTest implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final Map<String, String> demoKeys;
  private final Monetize monetize;
  private final Runnable stop;

  /** A running example at {@code base}; {@code stop} stops it. */
  public ExampleUnderTest(String base, Map<String, String> demoKeys, Monetize monetize, Runnable stop) {
    this.base = base;
    this.demoKeys = demoKeys;
    this.monetize = monetize;
    this.stop = stop;
  }

  /** The system clock plus an offset the test moves forward. */
  public static final class MovableTime implements TimeSource {
    private final TimeSource system = TimeSource.system();
    private final AtomicLong offset = new AtomicLong();

    @Override
    public long epochNanos() {
      return system.epochNanos() + offset.get();
    }

    /** Moves the clock forward. */
    public void advance(Duration d) {
      offset.addAndGet(d.toNanos());
    }
  }

  /** An answer: status, body, headers. */
  public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    /** The body as JSON (an empty object when it is not JSON). */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return JSON.createObjectNode();
      }
    }

    /** The problem {@code code}, or empty text. */
    public String code() {
      return json().path("code").asText("");
    }
  }

  /** {@code method path} with {@code headerName: headerValue} (none when null) and a JSON body (none when null). */
  public Answer send(String method, String path, String headerName, String headerValue, String body) {
    return send(method, path, headerName == null ? Map.of() : Map.of(headerName, headerValue), body);
  }

  /**
   * Sends {@code GET target} as written, over a plain socket (Java's HTTP client refuses a
   * malformed target such as {@code ?a=%}); returns the status and the body.
   */
  public Answer rawGet(String target, String credential) {
    URI uri = URI.create(base);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer "
          + credential + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int bodyAt = response.indexOf("\r\n\r\n");
      String body = bodyAt < 0 ? "" : response.substring(bodyAt + 4);
      if (response.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
      }
      return new Answer(status, body, java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code method path} with these headers and a body (none when null). */
  public Answer send(String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code method path} with {@code Authorization: Bearer <credential>}. */
  public Answer bearer(String method, String path, String credential, String body) {
    return send(method, path, "Authorization", "Bearer " + credential, body);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String base() {
    return base;
  }

  /** Demo secrets by plan, and {@code admin}. */
  public Map<String, String> demoKeys() {
    return demoKeys;
  }

  /** The engine. */
  public Monetize monetize() {
    return monetize;
  }

  @Override
  public void close() {
    stop.run();
  }
}
