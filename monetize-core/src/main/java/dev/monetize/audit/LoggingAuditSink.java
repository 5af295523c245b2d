package dev.monetize.audit;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit events as JSON lines to the SLF4J logger {@code dev.monetize.audit} at DEBUG, so a
 * service's log shows them only when that logger is switched to DEBUG (a request per line would
 * otherwise fill it).
 */
final class LoggingAuditSink implements AuditSink {
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.monetize.audit");

  LoggingAuditSink() {
    if (!AUDIT.isDebugEnabled()) {
      AUDIT.info("audit events go to the logger dev.monetize.audit at DEBUG, which is off: set it to DEBUG to see "
          + "them, or keep them with a sink of your own (MonetizeBuilder.auditSink(...), or an AuditSink bean with the "
          + "Spring Boot starter)");
    }
  }

  @Override
  public void accept(List<AuditEvent> batch) throws IOException {
    if (!AUDIT.isDebugEnabled()) {
      return;
    }
    for (AuditEvent e : batch) {
      AUDIT.debug(toJson(e));
    }
  }

  /** The event as the export writes it: canonical JSON with its chain fields ({@link AuditEvent#json()}). */
  static String toJson(AuditEvent e) {
    return e.json();
  }
}
