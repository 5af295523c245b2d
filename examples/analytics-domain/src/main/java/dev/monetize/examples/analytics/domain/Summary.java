package dev.monetize.examples.analytics.domain;

import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Aggregates over all events of one tenant.
 *
 * @param events number of events
 * @param distinctUsers number of distinct user ids
 * @param valueSum sum of event values
 * @param byType event count per type, sorted by type
 * @param first earliest event time
 * @param last latest event time
 */
public record Summary(long events, long distinctUsers, double valueSum, SortedMap<String, Long> byType,
    Optional<Instant> first, Optional<Instant> last) {}
