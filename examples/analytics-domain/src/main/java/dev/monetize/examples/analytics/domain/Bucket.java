package dev.monetize.examples.analytics.domain;

import java.time.Instant;

/**
 * One bucket of a time series.
 *
 * @param start bucket start (inclusive)
 * @param count events in the bucket
 * @param valueSum sum of their values
 */
public record Bucket(Instant start, long count, double valueSum) {}
