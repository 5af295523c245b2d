package dev.monetize.cache.internal;

import dev.monetize.cache.CachedResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Single flight: of the concurrent misses of one key, the first leads (runs the endpoint) and the
 * others follow (wait for its answer). A leader always lands its flight, with an answer or without
 * one (not cacheable, failed), so followers never wait longer than the leader runs, and at most
 * {@code patience} in any case; a follower left without an answer runs the endpoint itself.
 */
public final class Flights {
  private final ConcurrentHashMap<String, CompletableFuture<Optional<CachedResponse>>> flying =
      new ConcurrentHashMap<>();

  /** One flight: the leader's, which it must {@link #land}, or a follower's seat. */
  public static final class Flight {
    private final String key;
    private final CompletableFuture<Optional<CachedResponse>> answer;
    private final boolean leader;

    private Flight(String key, CompletableFuture<Optional<CachedResponse>> answer, boolean leader) {
      this.key = key;
      this.answer = answer;
      this.leader = leader;
    }

    /** Whether this caller runs the endpoint for everyone. */
    public boolean leader() {
      return leader;
    }
  }

  /** Joins the flight of {@code key}: leads it when none is flying, else follows it. */
  public Flight join(String key) {
    CompletableFuture<Optional<CachedResponse>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<CachedResponse>> flying = this.flying.putIfAbsent(key, mine);
    return flying == null ? new Flight(key, mine, true) : new Flight(key, flying, false);
  }

  /** A follower's wait for the leader's answer; empty when it had none or took longer than {@code patience}. */
  public Optional<CachedResponse> await(Flight flight, Duration patience) {
    if (flight.leader) {
      throw new IllegalStateException("the leader answers, it does not wait");
    }
    try {
      return flight.answer.get(patience.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      flying.remove(flight.key, flight.answer); // a leader that never lands must not hold the key: the next miss leads
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The leader lands its flight with the answer it stored, or none; the next miss leads a new one. */
  public void land(Flight flight, Optional<CachedResponse> answer) {
    if (!flight.leader) {
      return;
    }
    flying.remove(flight.key, flight.answer);
    flight.answer.complete(answer);
  }

  /** Flights in the air (for tests). */
  public int flying() {
    return flying.size();
  }
}
