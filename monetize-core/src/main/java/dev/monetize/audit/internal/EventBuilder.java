package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import java.time.Instant;

/**
 * How the delivery thread makes the event of an item handed to
 * {@link AsyncAuditDispatcher#submitLater}: unchained, or chained as it is made (one event per
 * request instead of an unchained one and its chained copy).
 */
public interface EventBuilder {
  /** The item's event, unchained: for a sink that chains events itself, or one chained later. */
  AuditEvent unchained(Object item);

  /** The chain the item's event belongs to ({@link AuditEvent#chain()}). */
  String chain(Object item);

  /** The time of the item's event ({@link AuditEvent#time()}): it names a new run of its chain. */
  Instant time(Object item);

  /** The item's event at {@code seq} of {@code segment} after {@code prevHash} ({@link AuditEvent#chainedOf}). */
  AuditEvent chained(Object item, String segment, long seq, String prevHash);

  /** For items that are unchained events already: each chained as {@link AuditEvent#chained} does. */
  EventBuilder EVENTS = new EventBuilder() {
    @Override
    public AuditEvent unchained(Object item) {
      return (AuditEvent) item;
    }

    @Override
    public String chain(Object item) {
      return ((AuditEvent) item).chain();
    }

    @Override
    public Instant time(Object item) {
      return ((AuditEvent) item).time();
    }

    @Override
    public AuditEvent chained(Object item, String segment, long seq, String prevHash) {
      return ((AuditEvent) item).chained(segment, seq, prevHash);
    }
  };
}
