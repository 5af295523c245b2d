package dev.monetize.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SPI: an {@link AuditSink} that can be searched, behind {@code GET /monetize/audit} and its export.
 * {@link AuditSink#inMemory()} is one (the most recent 100,000 events).
 *
 * <pre>{@code
 * AuditStore.Page page = store.find(AuditStore.Query.of(Optional.of("acme")).limit(50));
 * }</pre>
 */
public interface AuditStore extends AuditSink {
  /** The events matching {@code query}, oldest first, at most its limit, and where the next page starts. */
  Page find(Query query);

  /**
   * A search.
   *
   * @param customerId only this customer's events; empty: everyone's (the operator's view)
   * @param from only events at or after it
   * @param to only events before it
   * @param operation only this operation's events
   * @param status only events answered with this status
   * @param cursor where a previous page ended ({@link Page#nextCursor()})
   * @param limit at most this many events (1 to 1,000)
   */
  record Query(Optional<String> customerId, Optional<Instant> from, Optional<Instant> to, Optional<String> operation,
      Optional<Integer> status, Optional<String> cursor, int limit) {
    /** Validates. */
    public Query {
      Objects.requireNonNull(customerId, "customerId");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(cursor, "cursor");
      if (limit < 1 || limit > 1_000) {
        throw new IllegalArgumentException("an audit page holds 1 to 1000 events, got " + limit);
      }
    }

    /** Every event of {@code customerId} (or of everyone), 100 at a time. */
    public static Query of(Optional<String> customerId) {
      return new Query(customerId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), 100);
    }

    /** The same, at most {@code n} per page. */
    public Query limit(int n) {
      return new Query(customerId, from, to, operation, status, cursor, n);
    }

    /** The same, from where {@code next} says. */
    public Query after(Optional<String> next) {
      return new Query(customerId, from, to, operation, status, next, limit);
    }

    /** Whether {@code e} matches (the cursor aside). */
    public boolean matches(AuditEvent e) {
      return (customerId.isEmpty() || customerId.equals(e.customerId()))
          && (from.isEmpty() || !e.time().isBefore(from.get()))
          && (to.isEmpty() || e.time().isBefore(to.get()))
          && (operation.isEmpty() || operation.get().equals(e.operationId()))
          && (status.isEmpty() || status.get() == e.status());
    }
  }

  /**
   * One page of a search.
   *
   * @param events the events, oldest first
   * @param nextCursor where the next page starts, when there may be one
   */
  record Page(List<AuditEvent> events, Optional<String> nextCursor) {
    /** Copies. */
    public Page {
      events = List.copyOf(events);
      Objects.requireNonNull(nextCursor, "nextCursor");
    }
  }
}
