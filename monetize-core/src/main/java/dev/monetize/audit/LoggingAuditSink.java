package dev.monetize.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
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
  private static final JsonFactory JSON = new JsonFactory();

  LoggingAuditSink() {
    if (!AUDIT.isDebugEnabled()) {
      AUDIT.info("audit events go to the logger dev.monetize.audit at DEBUG, which is off: set it to DEBUG to see "
          + "them, or keep them with MonetizeBuilder.auditSink(...)");
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

  static String toJson(AuditEvent e) throws IOException {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", e.time().toString());
      g.writeStringField("request_id", e.requestId());
      g.writeStringField("customer_id", e.customerId().orElse(null));
      g.writeStringField("key_id", e.keyId().orElse(null));
      g.writeStringField("operation", e.operationId());
      g.writeStringField("method", e.method());
      g.writeStringField("path", e.path());
      g.writeStringField("remote", e.remoteAddress());
      g.writeNumberField("status", e.status());
      g.writeStringField("decision", e.decision());
      g.writeNumberField("duration_us", e.durationMicros());
      g.writeNumberField("bytes_out", e.bytesOut());
      if (!e.details().isEmpty()) {
        g.writeObjectFieldStart("details");
        for (java.util.Map.Entry<String, String> d : e.details().entrySet()) {
          g.writeStringField(d.getKey(), d.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    return out.toString();
  }
}
