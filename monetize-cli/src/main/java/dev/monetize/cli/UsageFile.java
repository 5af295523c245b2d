package dev.monetize.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A file of usage lines, one JSON object each: {@code customer} (plan, billing day, time zone,
 * since), {@code plan_change} and {@code usage} (an operation's units at an instant). Every
 * mistake is a {@link BadInput} naming the file, the line and the field.
 */
final class UsageFile {
  /** A field given twice is refused, as the management API refuses it: the last one winning would bill it silently. */
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build(); // one object a line
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");
  private static final Set<String> CUSTOMER = Set.of("kind", "customer_id", "plan", "billing_day", "time_zone", "since");
  private static final Set<String> PLAN_CHANGE = Set.of("kind", "customer_id", "plan", "at");
  private static final Set<String> USAGE = Set.of("kind", "customer_id", "operation", "at", "units");

  /** One customer as the file declares it. */
  record Account(String customerId, BillingAnchor anchor, Instant since) {}

  private final String name;
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final BillingHistory history = BillingHistory.inMemory();
  private final List<UsageRecord> usage = new ArrayList<>();
  /** Per customer whose line comes later in the file, its earliest plan change or usage line so far. */
  private final Map<String, Dated> earliest = new HashMap<>();
  /** One instance of each customer and operation id: millions of lines repeat a few of them. */
  private final Map<String, String> ids = new HashMap<>();

  private record Dated(String customerId, Instant at, int line) {}

  private UsageFile(String name) {
    this.name = name;
  }

  /** Reads {@code file} line by line, checking plans and operations against {@code catalog}. */
  static UsageFile read(Path file, Catalog catalog) {
    UsageFile f = new UsageFile(file.toString());
    Map<String, Integer> pendingChanges = new HashMap<>();
    try (java.io.BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int n = 0;
      for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
        n++;
        String text = raw.strip();
        if (!text.isEmpty()) {
          f.line(n, text, catalog, pendingChanges);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInput(file + ": no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadInput(file + ": cannot read the file (not UTF-8 text)");
    } catch (IOException e) {
      throw new BadInput(file + ": cannot read the file (" + BillingCommands.ioProblem(e) + ")");
    }
    for (Map.Entry<String, Integer> e : pendingChanges.entrySet()) {
      if (!f.accounts.containsKey(e.getKey())) {
        throw f.bad(e.getValue(), "customer_id", "customer '" + e.getKey() + "' has no customer line");
      }
    }
    // lines read before their customer's line: the first of the file that is before its customer began
    f.earliest.values().stream().filter(d -> d.at().isBefore(f.accounts.get(d.customerId()).since()))
        .min(java.util.Comparator.comparingInt(Dated::line)).ifPresent(d -> {
          throw f.beforeSince(d.line(), d.at(), d.customerId());
        });
    return f;
  }

  /**
   * Checks a dated line against its customer's beginning: at once when the customer's line came
   * before it, else its customer's earliest such line is kept for the end (one per customer, not one
   * per line: a file of millions of lines is read in little memory).
   */
  private void dated(String customer, Instant at, int n) {
    Account a = accounts.get(customer);
    if (a != null) { // an invoice bills nothing before the customer existed: such a line is a mistake
      if (at.isBefore(a.since())) {
        throw beforeSince(n, at, customer);
      }
      return;
    }
    Dated d = earliest.get(customer);
    if (d == null || at.isBefore(d.at())) {
      earliest.put(customer, new Dated(customer, at, n));
    }
  }

  private BadInput beforeSince(int n, Instant at, String customer) {
    return bad(n, "at", at + " is before customer '" + customer + "' began (since " + accounts.get(customer).since()
        + ")");
  }

  /** The one instance of {@code id} this file keeps. */
  private String id(String id) {
    String kept = ids.putIfAbsent(id, id);
    return kept == null ? id : kept;
  }

  private void line(int n, String text, Catalog catalog, Map<String, Integer> seen) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadInput(name + ": line " + n + ": not a JSON object: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadInput(name + ": line " + n + ": not a JSON object");
    }
    String kind = text(node, n, "kind");
    String customer = id(text(node, n, "customer_id"));
    seen.putIfAbsent(customer, n);
    switch (kind) {
      case "customer" -> {
        fields(node, n, CUSTOMER);
        String plan = plan(node, n, catalog);
        long day = node.has("billing_day") ? number(node, n, "billing_day", 1, 31) : 1;
        ZoneId zone = zone(node, n);
        Instant since = instant(node, n, "since");
        if (accounts.putIfAbsent(customer, new Account(customer, BillingAnchor.of((int) day, zone), since)) != null) {
          throw bad(n, "customer_id", "customer '" + customer + "' is declared twice");
        }
        history.recordPlanChange(new PlanChange(customer, plan, since));
      }
      case "plan_change" -> {
        fields(node, n, PLAN_CHANGE);
        Instant at = instant(node, n, "at");
        history.recordPlanChange(new PlanChange(customer, plan(node, n, catalog), at));
        dated(customer, at, n);
      }
      case "usage" -> {
        fields(node, n, USAGE);
        String op = id(text(node, n, "operation"));
        if (catalog.operation(op).isEmpty()) {
          throw bad(n, "operation", "'" + op + "' is not an operation of the plans (operations: "
              + catalog.operations().stream().map(o -> o.id()).toList() + ")");
        }
        Instant at = instant(node, n, "at");
        UsageRecord r = record(node, n, customer, op, at);
        unpriced(n, op, r.units().keySet(), catalog);
        usage.add(r);
        dated(customer, at, n);
      }
      default -> throw bad(n, "kind", "must be customer, plan_change or usage; got '" + kind + "'");
    }
  }

  /** What is worth saying without failing: a unit of its own that no plan prices (a typo, such as "call"). */
  private final List<String> warnings = new ArrayList<>();

  /** The warnings of the file (at most 10, then how many more), each naming its line. */
  List<String> warnings() {
    return warnings;
  }

  private void unpriced(int n, String op, java.util.Set<String> units, Catalog catalog) {
    for (String unit : units) {
      boolean priced = catalog.plans().stream().anyMatch(p -> p.usagePrices().getOrDefault(op, Map.of()).containsKey(unit));
      if (!priced && warnings.size() <= 10) {
        warnings.add(warnings.size() == 10 ? name + ": more units no plan prices follow"
            : name + ": line " + n + ": units." + unit + ": no plan prices '" + unit + "' for " + op
                + ", so it bills nothing (the standard units are calls, bytes_in, bytes_out, compute_ms and cpu_ms)");
      }
    }
  }

  private UsageRecord record(JsonNode node, int n, String customer, String op, Instant at) {
    JsonNode units = node.get("units");
    if (units == null || !units.isObject() || units.isEmpty()) {
      throw bad(n, "units", "required: an object of unit to whole quantity, such as {\"calls\": 100}");
    }
    Map<String, Long> q = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = units.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> u = it.next();
      JsonNode v = u.getValue();
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
        throw bad(n, "units." + u.getKey(), "must be a whole number of 0 or more; got " + v);
      }
      q.put(u.getKey(), v.asLong());
    }
    long calls = take(q, "calls");
    long bytesIn = take(q, "bytes_in");
    long bytesOut = take(q, "bytes_out");
    long computeMs = take(q, "compute_ms");
    long cpuMs = take(q, "cpu_ms");
    if (computeMs > Long.MAX_VALUE / 1_000 || cpuMs > Long.MAX_VALUE / 1_000) {
      throw bad(n, "units", "compute_ms and cpu_ms are at most " + Long.MAX_VALUE / 1_000);
    }
    return new UsageRecord(customer, "cli", op, 200, false, at, at.plusNanos(1), calls, bytesIn, bytesOut,
        computeMs * 1_000, cpuMs * 1_000, q.isEmpty() ? Map.of() : q);
  }

  private static long take(Map<String, Long> units, String unit) {
    Long v = units.remove(unit);
    return v == null ? 0 : v;
  }

  /** The first 20 of {@code ids}, and how many more: an error line stays one line. */
  private static String some(java.util.Collection<String> ids) {
    String first = String.join(", ", ids.stream().limit(20).toList());
    return ids.size() > 20 ? first + " and " + (ids.size() - 20) + " more" : first;
  }

  /** The customer's account, or a mistake naming it. */
  Account account(String customerId) {
    Account a = accounts.get(customerId);
    if (a == null) {
      throw new BadInput(name + ": no customer line for '" + customerId + "' (customers: " + some(accounts.keySet()) + ")");
    }
    return a;
  }

  /** The customer's plans over {@code [from, to)} ({@link BillingHistory#planChanges}). */
  List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
    return history.planChanges(customerId, from, to);
  }

  /** The usage of every line. */
  UsageTotals totals() {
    return UsageTotals.of(usage);
  }

  private String plan(JsonNode node, int n, Catalog catalog) {
    String plan = text(node, n, "plan");
    if (catalog.plan(plan).isEmpty()) {
      throw bad(n, "plan", "'" + plan + "' is not a plan of the plans file (plans: "
          + catalog.plans().stream().map(p -> p.name()).toList() + ")");
    }
    return plan;
  }

  private ZoneId zone(JsonNode node, int n) {
    if (!node.has("time_zone")) {
      return ZoneId.of("UTC");
    }
    String z = text(node, n, "time_zone");
    try {
      return ZoneId.of(z);
    } catch (DateTimeException e) {
      throw bad(n, "time_zone", "must be a time zone such as UTC or Europe/Berlin; got '" + z + "'");
    }
  }

  private Instant instant(JsonNode node, int n, String field) {
    String t = text(node, n, field);
    Instant at;
    try {
      at = Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw bad(n, field, "must be an instant such as 2026-03-11T00:00:00Z; got '" + t + "'");
    }
    if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) { // past these the calendar's arithmetic fails
      throw bad(n, field, "must be an instant from 1970 to 9999; got '" + t + "'");
    }
    return at;
  }

  private long number(JsonNode node, int n, String field, long min, long max) {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw bad(n, field, "must be a whole number from " + min + " to " + max + "; got " + v);
    }
    return v.asLong();
  }

  private String text(JsonNode node, int n, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw bad(n, field, "required: a non-empty string" + (v == null ? "" : "; got " + v));
    }
    return v.asText();
  }

  private void fields(JsonNode node, int n, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw bad(n, f, "unknown field; allowed here: " + new TreeSet<>(allowed));
      }
    }
  }

  BadInput bad(int line, String field, String problem) {
    return new BadInput(name + ": line " + line + ": " + field + ": " + problem);
  }

  /** Bad input: exit 1 with this message. */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message, null, false, false);
    }
  }

}
