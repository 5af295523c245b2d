package dev.monetize.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditSink} that can be read back must do: keep every event of every batch with
 * every field (details included), in the order delivered. A sink that {@linkplain AuditSink#chains()
 * chains} events itself keeps them chained: they are compared as they were before chaining.
 *
 * <pre>{@code
 * class MyAuditSinkTest extends AuditSinkContract {
 *   protected AuditSink sink() { return new MyAuditSink(dataSource); }
 *   protected List<AuditEvent> stored(AuditSink sink, String requestIdPrefix) { ... }
 * }
 * }</pre>
 */
public abstract class AuditSinkContract {
  /** For the implementation's test class. */
  protected AuditSinkContract() {}

  /** The sink under test; called once per test. */
  protected abstract AuditSink sink();

  /** The stored events whose request id starts with {@code requestIdPrefix}, in delivery order. */
  protected abstract List<AuditEvent> stored(AuditSink sink, String requestIdPrefix) throws Exception;

  private static AuditEvent event(String requestId, int status, Map<String, String> details) {
    return new AuditEvent(Instant.parse("2026-11-24T10:00:00Z"), requestId, Optional.of("acme"),
        Optional.of("key_1"), "monetize.key_rotate", "POST", "/monetize/keys/key_2/rotate", "203.0.113.9", status,
        status < 400 ? "admitted" : "scope_escalation", 1_234, 567, details);
  }

  @Test
  void everyEventIsKeptWithEveryField() throws Exception {
    AuditSink s = sink();
    String prefix = "req-" + UUID.randomUUID() + "-";
    AuditEvent a = event(prefix + 1, 200, Map.of("credential", "key", "target_key", "key_2"));
    AuditEvent b = event(prefix + 2, 403, Map.of());
    s.accept(List.of(a, b));
    AuditEvent c = new AuditEvent(Instant.parse("2026-11-24T10:00:01Z"), prefix + 3, Optional.empty(),
        Optional.empty(), "stats", "GET", "/v1/stats", "198.51.100.7", 401, "key_missing", 12, 300);
    s.accept(List.of(c));
    assertThat(stored(s, prefix).stream().map(AuditEvent::unchained)).containsExactly(a, b, c);
  }

  @Test
  void anEmptyBatchIsAccepted() throws Exception {
    AuditSink s = sink();
    String prefix = "req-" + UUID.randomUUID() + "-";
    s.accept(List.of());
    assertThat(stored(s, prefix)).isEmpty();
  }
}
