package dev.monetize.management.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditStore;
import dev.monetize.http.Header;
import dev.monetize.management.ManagementApi;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit trail: an organization's events (its own for a customer's key, any one the operator
 * names), filtered by time, operation and status, a page at a time or exported whole as JSON
 * lines that {@code monetize audit verify} checks.
 */
final class AuditResource {
  /** The most events one export holds (narrow it with from and to). */
  static final int MAX_EXPORT = 100_000;
  /** The most bytes one export holds. */
  static final int MAX_EXPORT_BYTES = 32 * 1_024 * 1_024;
  /** How many exports the service builds (and hands over, {@link ExportSlots}) at once. */
  static final int EXPORTS_AT_ONCE = 2;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManagementContext context;
  private final ExportSlots slots;

  AuditResource(ManagementContext context) {
    this.context = context;
    this.slots = new ExportSlots(EXPORTS_AT_ONCE, context.time());
  }

  ManagementApi.Response list(ManagementCall c) {
    AuditStore store = store();
    AuditStore.Query q = query(c, limit(c));
    AuditStore.Page page;
    try {
      page = store.find(q);
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest("cursor: a value from next_cursor.");
    }
    List<Object> data = page.events().stream().map(AuditResource::tree).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data", data);
    out.put("next_cursor", page.nextCursor().orElse(null));
    return ManagementCall.ok(200, out);
  }

  /**
   * The events as JSON lines, at most {@link #MAX_EXPORT} events and {@link #MAX_EXPORT_BYTES} bytes:
   * the answer is built in memory and held until the adapter has written it ({@link
   * ManagementApi.Response#sent()}), however slowly its client reads, so an organization exports one at a
   * time and the service at most {@link #EXPORTS_AT_ONCE} at once ({@link ExportSlots}): a caller who
   * could fill the heap with exports read slowly would stop it.
   */
  ManagementApi.Response export(ManagementCall c) {
    AuditStore store = store();
    AuditStore.Query q = query(c, 1_000);
    ExportSlots.Held held = slots.take(c.account().customerId());
    try {
      ManagementApi.Response answer = ManagementApi.Response.holding(200, "application/x-ndjson; charset=utf-8",
          List.of(new Header("Cache-Control", "no-store"), new Header("X-Content-Type-Options", "nosniff")),
          lines(store, q, MAX_EXPORT, MAX_EXPORT_BYTES), held);
      slots.handedOver(held);
      return answer;
    } catch (RuntimeException | Error e) {
      held.run();
      throw e;
    }
  }

  /** The JSON lines of every event {@code q} finds, refused before they pass either bound. */
  static byte[] lines(AuditStore store, AuditStore.Query q, int maxEvents, int maxBytes) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * 1_024);
    int n = 0;
    while (true) {
      AuditStore.Page page = store.find(q);
      for (AuditEvent e : page.events()) {
        byte[] line = e.json().getBytes(StandardCharsets.UTF_8);
        if (++n > maxEvents || out.size() + line.length + 1 > maxBytes) {
          throw ManagementRefusal.badRequest("the export would hold more than " + maxEvents + " events or "
              + maxBytes / 1_024 + " KiB: narrow it with from and to.");
        }
        out.write(line, 0, line.length);
        out.write('\n');
      }
      if (page.nextCursor().isEmpty()) {
        return out.toByteArray();
      }
      q = q.after(page.nextCursor());
    }
  }

  private AuditStore store() {
    return context.auditStore().orElseThrow(() -> new ManagementRefusal(dev.monetize.errors.ErrorCode.NOT_FOUND,
        "This service keeps no searchable audit trail (its audit sink is not an AuditStore)."));
  }

  /** Whose events: the caller's organization, or the one the operator names (the authority table decides). */
  private static AuditStore.Query query(ManagementCall c, int limit) {
    Map<String, String> p = c.request.query();
    Optional<String> tenant = Optional.of(c.account().customerId());
    Optional<Integer> status = Optional.ofNullable(p.get("status")).map(s -> {
      if (!s.matches("[1-5][0-9]{2}")) {
        throw ManagementRefusal.badRequest("status: an HTTP status such as 429.");
      }
      return Integer.parseInt(s);
    });
    Optional<String> operation = Optional.ofNullable(p.get("operation")).map(o -> {
      if (!o.matches("[A-Za-z0-9._-]{1,128}")) {
        throw ManagementRefusal.badRequest("operation: an operation id such as stats.summary.");
      }
      return o;
    });
    Optional<String> cursor = Optional.ofNullable(p.get("cursor")).map(s -> {
      if (!s.matches("[A-Za-z0-9_.~-]{1,128}")) { // opaque, the store's own (sealed positions for ours)
        throw ManagementRefusal.badRequest("cursor: a value from next_cursor.");
      }
      return s;
    });
    Optional<Instant> from = instant(p, "from");
    Optional<Instant> to = instant(p, "to");
    if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
      throw ManagementRefusal.badRequest("from: after to; give a range that starts before it ends.");
    }
    return new AuditStore.Query(tenant, from, to, operation, status, cursor, limit);
  }

  private static Optional<Instant> instant(Map<String, String> p, String name) {
    return Optional.ofNullable(p.get(name)).map(v -> ManagementCall.instant(v, name, "2026-12-01T00:00:00Z"));
  }

  private static int limit(ManagementCall c) {
    String v = c.request.query().getOrDefault("limit", "100");
    if (!v.matches("[0-9]{1,4}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 1_000) {
      throw ManagementRefusal.badRequest("limit: 1 to 1000.");
    }
    return Integer.parseInt(v);
  }

  private static Object tree(AuditEvent e) {
    try {
      return JSON.readValue(e.json(), new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (java.io.IOException x) {
      throw new IllegalStateException("an event's own JSON reads back", x);
    }
  }
}
