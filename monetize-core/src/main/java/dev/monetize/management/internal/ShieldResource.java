package dev.monetize.management.internal;

import dev.monetize.http.Cidr;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.Target;
import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldRule;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shield's lists and bans, the operator's alone: read, add and remove allow and deny entries,
 * list and lift bans. Every change is read back by this node at once and by the others within a
 * second (a shared store).
 */
final class ShieldResource {
  /** The most entries the run-time lists hold (each request scans them). */
  static final int MAX_RULES = 10_000;
  private final ManagementContext context;

  ShieldResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response lists(ManagementCall c) {
    c.authorize(Target.self());
    Instant now = context.time().now();
    Map<String, Object> out = new LinkedHashMap<>();
    for (ShieldRule.Kind kind : ShieldRule.Kind.values()) {
      List<Map<String, Object>> entries = context.shield().store().rules().stream()
          .filter(r -> r.kind() == kind && r.active(now)).sorted(Comparator.comparing(ShieldRule::created))
          .map(ShieldResource::view).toList();
      out.put(kind.word(), entries);
    }
    dev.monetize.shield.ShieldPolicy policy = context.catalog().shield();
    out.put("plans_file", Map.of("allow", policy.allow().stream().map(Cidr::toString).toList(),
        "deny", policy.deny().stream().map(Cidr::toString).toList()));
    return ManagementCall.ok(200, out);
  }

  ManagementApi.Response add(ManagementCall c, ShieldRule.Kind kind) {
    c.authorize(Target.self());
    Bodies.ShieldEntry body = c.bind(Bodies.ShieldEntry.class);
    String text = ManagementCall.text(body.cidr(), "cidr", true).orElseThrow();
    Cidr cidr;
    try {
      cidr = Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest("cidr: " + e.getMessage());
    }
    Instant now = context.time().now();
    Optional<Instant> until = ManagementCall.text(body.until(), "until", false)
        .map(u -> ManagementCall.instant(u, "until", "2026-12-31T00:00:00Z"));
    if (until.isPresent() && !until.get().isAfter(now)) {
      throw ManagementRefusal.badRequest("until: must be in the future.");
    }
    if (kind == ShieldRule.Kind.DENY && (cidr.bits() == 0 || cidr.contains(c.request.remoteAddress()))) {
      // the operator would lock itself out of this very API: no store change is worth that
      throw ManagementRefusal.badRequest("cidr: would deny every address, or the address of this request.");
    }
    if (kind == ShieldRule.Kind.ALLOW && cidr.bits() == 0) { // every ban, deny entry and budget gone at once
      throw ManagementRefusal.badRequest("cidr: would allow every address (the shield would be off); "
          + "allow the networks you trust.");
    }
    if (context.shield().store().rules().size() >= MAX_RULES) {
      throw ManagementRefusal.badRequest("the shield holds at most " + MAX_RULES
          + " entries; remove some, or deny at the CDN in front.");
    }
    ShieldRule rule = ShieldRule.of(kind, cidr, until, now);
    context.shield().store().add(rule);
    context.shield().refresh(); // here at once; every other node within a second
    c.details.put("cidr", cidr.toString());
    c.details.put("list", kind.word());
    return ManagementCall.ok(201, view(rule));
  }

  ManagementApi.Response remove(ManagementCall c, ShieldRule.Kind kind) {
    c.authorize(Target.self());
    String id = c.parameter("id");
    if (!ShieldRule.validId(id) || !context.shield().store().remove(kind, id)) {
      throw ManagementRefusal.notFound(kind.word() + " entry", id);
    }
    context.shield().refresh();
    c.details.put("list", kind.word());
    c.details.put("entry", id);
    return ManagementCall.ok(200, Map.of("id", id, "removed", true));
  }

  ManagementApi.Response bans(ManagementCall c) {
    c.authorize(Target.self());
    Instant now = context.time().now();
    List<Map<String, Object>> data = context.shield().bans(now).stream()
        .sorted(Comparator.comparing(Ban::since)).map(ShieldResource::view).toList();
    return ManagementCall.ok(200, Map.of("data", data));
  }

  ManagementApi.Response lift(ManagementCall c) {
    c.authorize(Target.self());
    String address = c.parameter("address");
    if (!context.shield().lift(address)) {
      throw ManagementRefusal.notFound("ban of address", address);
    }
    c.details.put("address", address);
    return ManagementCall.ok(200, Map.of("address", address, "lifted", true));
  }

  private static Map<String, Object> view(ShieldRule r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("list", r.kind().word());
    m.put("cidr", r.cidr().toString());
    m.put("until", r.until().map(Instant::toString).orElse(null));
    m.put("created", r.created().toString());
    return m;
  }

  private static Map<String, Object> view(Ban b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", b.address());
    m.put("until", b.until().toString());
    m.put("strikes", b.strikes());
    m.put("since", b.since().toString());
    return m;
  }
}
