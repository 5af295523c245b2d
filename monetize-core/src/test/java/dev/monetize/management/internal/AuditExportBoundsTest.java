package dev.monetize.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.AuditStore;
import dev.monetize.audit.InMemoryAuditSink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An export is refused before it passes its bound in events or in bytes, never after building it whole. */
class AuditExportBoundsTest {
  private final InMemoryAuditSink store = AuditSink.inMemory();

  AuditExportBoundsTest() {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(new AuditEvent(Instant.EPOCH.plusSeconds(i), "r" + i, Optional.of("acme"), Optional.of("key_1"),
          "summary", "GET", "/v1/summary", "203.0.113.9", 200, "admitted", 10, 100));
    }
    store.accept(events);
  }

  private AuditStore.Query all() {
    return AuditStore.Query.of(Optional.of("acme")).limit(7);
  }

  @Test
  void anExportWithinBothBoundsHoldsEveryEventAsOneLine() {
    byte[] out = AuditResource.lines(store, all(), 30, 1 << 20);
    String[] lines = new String(out, StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(30);
    assertThat(lines[0]).isEqualTo(store.events().get(0).json());
  }

  @Test
  void oneEventTooManyOrOneByteTooManyIsA400() {
    int size = AuditResource.lines(store, all(), 30, 1 << 20).length;
    assertThatThrownBy(() -> AuditResource.lines(store, all(), 29, 1 << 20)).isInstanceOf(ManagementRefusal.class)
        .hasMessageContaining("more than 29 events");
    assertThat(AuditResource.lines(store, all(), 30, size)).hasSize(size);
    assertThatThrownBy(() -> AuditResource.lines(store, all(), 30, size - 1)).isInstanceOf(ManagementRefusal.class)
        .hasMessageContaining("narrow it with from and to");
  }
}
