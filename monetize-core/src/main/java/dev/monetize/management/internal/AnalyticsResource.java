package dev.monetize.management.internal;

import dev.monetize.config.CatalogLoader;
import dev.monetize.config.ConfigException;
import dev.monetize.errors.ErrorCode;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.Target;
import dev.monetize.plans.Plan;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/** The operator's analytics over HTTP: SLA per plan, costs and margins, customers, what-if pricing. */
final class AnalyticsResource {
  /** The longest range one report covers. */
  static final Duration MAX_RANGE = Duration.ofDays(366);
  /** How long a caller waits before asking again when the reports are busy, in seconds. */
  static final long BUSY_RETRY_SECONDS = 5;
  private final ManagementContext context;
  /**
   * One report (costs, customers, what-if) computed at a time: on a shared ledger each reads every
   * customer's usage and billing history, seconds to a minute at 10,000 customers, and several at once
   * would share the database and the heap with the service's own calls.
   */
  private final java.util.concurrent.Semaphore reports = new java.util.concurrent.Semaphore(1);

  AnalyticsResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response sla(ManagementCall c) {
    c.authorize(Target.self());
    LocalDate today = LocalDate.ofInstant(context.time().now(), ZoneOffset.UTC);
    LocalDate to = date(c, "to", today).orElse(today);
    LocalDate earliest = LocalDate.of(2000, 1, 1);
    LocalDate from = date(c, "from", today).orElseGet(() -> to.minusDays(29).isBefore(earliest) ? earliest
        : to.minusDays(29));
    if (from.isAfter(to) || from.plusDays(365).isBefore(to)) { // both days count: at most 366 of them
      throw ManagementRefusal.badRequest("from and to: from must not be after to, and the two at most 366 days "
          + "apart counting both (from 2025-12-02 to 2026-12-02, say).");
    }
    return ManagementCall.ok(200, context.analytics().sla(from, to));
  }

  ManagementApi.Response costs(ManagementCall c) {
    c.authorize(Target.self());
    Instant[] range = range(c);
    if (context.catalog().costs().isEmpty()) {
      throw new ManagementRefusal(ErrorCode.NOT_FOUND, "This service declares no cost model: add 'costs' to the "
          + "plans file (docs/analytics.md).");
    }
    return oneAtATime(() -> ManagementCall.ok(200, context.analytics().costs(range[0], range[1])));
  }

  ManagementApi.Response customers(ManagementCall c) {
    c.authorize(Target.self());
    Instant[] range = range(c);
    long limit = Optional.ofNullable(c.request.query().get("limit")).map(v -> {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        return -1L;
      }
    }).orElse(10L);
    if (limit < 1 || limit > 100) {
      throw ManagementRefusal.badRequest("limit: a whole number from 1 to 100.");
    }
    return oneAtATime(() -> ManagementCall.ok(200, context.analytics().customers(range[0], range[1], (int) limit)));
  }

  ManagementApi.Response whatIf(ManagementCall c) {
    c.authorize(Target.self());
    Bodies.WhatIf body = c.bind(Bodies.WhatIf.class);
    if (body.plan() == null || body.plan().isNull()) {
      throw ManagementRefusal.badRequest("plan: required, a plan's name or a plan in the plans file's syntax.");
    }
    Plan candidate;
    if (body.plan().isTextual()) {
      candidate = context.catalog().plan(body.plan().asText()).orElseThrow(() -> ManagementRefusal.badRequest(
          "plan: '" + ManagementRouter.shorten(body.plan().asText()) + "' is not a plan (plans: "
              + context.catalog().plans().stream().map(Plan::name).toList() + ")."));
    } else {
      com.fasterxml.jackson.databind.JsonNode name = body.plan().get("name");
      if (name == null || !name.isTextual()) {
        throw ManagementRefusal.badRequest("plan.name: required for a plan given in the plans file's syntax.");
      }
      com.fasterxml.jackson.databind.node.ObjectNode definition = body.plan().deepCopy();
      definition.remove("name");
      try {
        candidate = CatalogLoader.parsePlan("what-if", name.asText(), definition);
      } catch (ConfigException | IllegalArgumentException e) {
        throw ManagementRefusal.badRequest(e.getMessage());
      }
    }
    Instant now = context.time().now();
    Instant at = ManagementCall.text(body.at(), "at", false).map(a -> within("at", a, now)).orElse(now);
    Plan chosen = candidate;
    return oneAtATime(() -> {
      try {
        Map<String, Object> out = context.analytics().whatIf(chosen, at);
        c.details.put("plan", chosen.name());
        return ManagementCall.ok(200, out);
      } catch (IllegalArgumentException e) { // the candidate does not fit the catalog (a price for an unknown operation)
        throw ManagementRefusal.badRequest("plan: " + e.getMessage());
      }
    });
  }

  /** {@code report} unless another report is being computed ({@code 429} then, with {@code Retry-After}). */
  private ManagementApi.Response oneAtATime(java.util.function.Supplier<ManagementApi.Response> report) {
    if (!reports.tryAcquire()) {
      throw new ManagementRefusal(ErrorCode.RATE_LIMITED, "Another analytics report is being computed (one at a "
          + "time: each reads every customer's usage). Retry in " + BUSY_RETRY_SECONDS + " s.", BUSY_RETRY_SECONDS,
          java.util.List.of());
    }
    try {
      return report.get();
    } finally {
      reports.release();
    }
  }

  /** The earliest time a report covers. */
  private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  private static Optional<LocalDate> date(ManagementCall c, String name, LocalDate today) {
    return Optional.ofNullable(c.request.query().get(name)).map(v -> {
      LocalDate d;
      try {
        d = LocalDate.parse(v);
      } catch (DateTimeParseException e) {
        throw ManagementRefusal.badRequest(name + ": a date such as 2026-12-01.");
      }
      if (d.isBefore(LocalDate.of(2000, 1, 1)) || d.isAfter(today.plusYears(2))) {
        throw ManagementRefusal.badRequest(name + ": a date from 2000-01-01 to two years from now.");
      }
      return d;
    });
  }

  /** {@code from} and {@code to} (RFC 3339), by default the current calendar month (UTC). */
  private Instant[] range(ManagementCall c) {
    Instant now = context.time().now();
    LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
    Instant from = instant(c, "from", now).orElse(month.atStartOfDay().toInstant(ZoneOffset.UTC));
    Instant to = instant(c, "to", now).orElse(now); // this month so far: no cost of the future is charged
    if (!from.isBefore(to) || Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw ManagementRefusal.badRequest("from and to: from must be before to, and at most 366 days before it.");
    }
    return new Instant[] {from, to};
  }

  private static Optional<Instant> instant(ManagementCall c, String name, Instant now) {
    return Optional.ofNullable(c.request.query().get(name)).map(v -> within(name, v, now));
  }

  /** {@code text} as an instant from 2000 to two years from now, or a 400 naming {@code name}. */
  private static Instant within(String name, String text, Instant now) {
    Instant i;
    try {
      i = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ManagementRefusal.badRequest(name + ": an RFC 3339 instant such as 2026-12-01T00:00:00Z.");
    }
    if (i.isBefore(EARLIEST) || i.isAfter(now.plus(Duration.ofDays(731)))) {
      throw ManagementRefusal.badRequest(name + ": an instant from 2000-01-01 to two years from now.");
    }
    return i;
  }
}
