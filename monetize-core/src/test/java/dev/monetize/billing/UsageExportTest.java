package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.metering.UsageRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Exports keep stable ids, the documented shapes, and every event that was not taken. */
class UsageExportTest {
  private final ObjectMapper json = new ObjectMapper();
  private final UsageRecord record = new UsageRecord("acme", "key_1", "stats.summary", 200, false,
      Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T10:00:01Z"), 7, 700, 3_500,
      Map.of("rows_scanned", 42L));

  @Test
  void cloudEventsCarryTheRequiredAttributesAndAStableId() throws Exception {
    List<String> sent = new CopyOnWriteArrayList<>();
    UsageExport export = UsageExport.cloudEvents("https://api.example.com", e -> {
      sent.add(e);
      return new UsageExport.Answer(202, "");
    });
    export.accept(List.of(record));
    export.accept(List.of(record)); // delivered again: the same id, so a deduplicating provider bills once
    JsonNode first = json.readTree(sent.get(0));
    assertThat(first.get("specversion").asText()).isEqualTo("1.0");
    assertThat(first.get("type").asText()).isEqualTo("dev.monetize.usage.v1");
    assertThat(first.get("source").asText()).isEqualTo("https://api.example.com");
    assertThat(first.get("subject").asText()).isEqualTo("acme");
    assertThat(first.get("time").asText()).isEqualTo("2026-11-24T10:00:01Z");
    assertThat(first.at("/data/quantities/calls").asLong()).isEqualTo(7);
    assertThat(first.at("/data/quantities/rows_scanned").asLong()).isEqualTo(42);
    assertThat(first.at("/data/quantities/compute_ms").asLong()).isEqualTo(3);
    assertThat(json.readTree(sent.get(1)).get("id").asText()).isEqualTo(first.get("id").asText());
  }

  @Test
  void stripeEventsHaveTheMeterShapeOnePerUnit() throws Exception {
    List<String> sent = new CopyOnWriteArrayList<>();
    UsageExport export = UsageExport.stripe(c -> "cus_" + c, e -> {
      sent.add(e);
      return new UsageExport.Answer(200, "{}");
    });
    export.accept(List.of(record));
    assertThat(sent).hasSize(4); // bytes_out, calls, compute_ms, rows_scanned
    String calls = sent.stream().filter(f -> f.startsWith("event_name=stats.summary.calls&")).findFirst().orElseThrow();
    // Stripe's wire format: form-encoded, nested fields in brackets
    assertThat(calls).isEqualTo("event_name=stats.summary.calls&payload%5Bstripe_customer_id%5D=cus_acme"
        + "&payload%5Bvalue%5D=7&identifier=" + UsageExport.eventId(record, "calls")
        + "&timestamp=" + Instant.parse("2026-11-24T10:00:00Z").getEpochSecond()); // the interval's last second
  }

  @Test
  void aRecordThatCannotBeShapedIsADeadLetterAndTheRestFlows() {
    List<String> sent = new CopyOnWriteArrayList<>();
    UsageExport export = UsageExport.stripe(c -> c.equals("ghost") ? null : "cus_" + c, e -> {
      sent.add(e);
      return new UsageExport.Answer(200, "{}");
    });
    UsageRecord ghost = new UsageRecord("ghost", "key_9", "stats.summary", 200, false, record.from(), record.to(), 1,
        0, 0);
    export.accept(List.of(ghost, record));
    assertThat(sent).hasSize(4); // acme's events went
    assertThat(export.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo(UsageExport.eventId(ghost, "unshaped"));
      assertThat(d.reason()).contains("no Stripe customer for customer ghost");
      assertThat(d.event()).contains("\"subject\":\"ghost\"");
    });
  }

  @Test
  void refusedOrFailedEventsAreDeadLettersThatCanBeRetried() {
    AtomicInteger attempts = new AtomicInteger();
    UsageExport export = UsageExport.cloudEvents("svc", e -> switch (attempts.incrementAndGet()) {
      case 1 -> new UsageExport.Answer(400, "{\"error\":\"bad\"}");
      case 2 -> throw new IllegalStateException("connection reset");
      default -> new UsageExport.Answer(200, "");
    });
    export.accept(List.of(record));
    export.accept(List.of(new UsageRecord("acme", "key_1", "stats.summary", 500, false, record.from(), record.to(),
        1, 0, 0)));
    assertThat(export.deadLetters()).hasSize(2);
    assertThat(export.deadLetters().get(0).reason()).contains("400");
    assertThat(export.deadLetters().get(1).reason()).contains("connection reset");
    assertThat(export.retryDeadLetters()).isZero();
    assertThat(export.deadLetters()).isEmpty();
  }
}
