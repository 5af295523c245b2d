package dev.monetize.benchmarks;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The filter a user writes by hand instead of using Monetize, as the benchmark's third variant:
 * the API key from a header, checked against a set, a Bucket4j bucket per key in a map,
 * {@code tryConsume}, one remaining-count header. No hashing, no plans, no quotas, no metering,
 * no audit, no problem documents: what it costs is the floor a feature-complete filter is compared
 * with.
 */
final class HandWrittenFilter implements Filter {
  private final Set<String> keys;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  HandWrittenFilter(Set<String> keys) {
    this.keys = Set.copyOf(keys);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String auth = request.getHeader("Authorization");
    String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : request.getHeader("X-API-Key");
    if (key == null || !keys.contains(key)) {
      response.sendError(401);
      return;
    }
    ConsumptionProbe probe = buckets.computeIfAbsent(key, k -> Contenders.newBucket()).tryConsumeAndReturnRemaining(1);
    response.setHeader("X-RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
    if (!probe.isConsumed()) {
      response.sendError(429);
      return;
    }
    chain.doFilter(req, res);
  }
}
