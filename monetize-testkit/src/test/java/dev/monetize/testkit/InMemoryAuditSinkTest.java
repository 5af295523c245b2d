package dev.monetize.testkit;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import java.util.List;

/** The audit sink contract on the in-memory default. */
class InMemoryAuditSinkTest extends AuditSinkContract {
  @Override
  protected AuditSink sink() {
    return AuditSink.inMemory();
  }

  @Override
  protected List<AuditEvent> stored(AuditSink sink, String requestIdPrefix) {
    return ((InMemoryAuditSink) sink).events().stream().filter(e -> e.requestId().startsWith(requestIdPrefix)).toList();
  }
}
