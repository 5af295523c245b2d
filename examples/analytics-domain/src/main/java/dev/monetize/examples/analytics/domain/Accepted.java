package dev.monetize.examples.analytics.domain;

/**
 * The answer to an ingest: how many events were stored.
 *
 * @param accepted the number of events stored
 */
public record Accepted(int accepted) {}
