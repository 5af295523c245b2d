package dev.monetize.management.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.monetize.billing.WalletEntry;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.Project;
import dev.monetize.limits.PolicyState;
import dev.monetize.plans.Customer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The response bodies of the management API, serialized by Jackson (snake_case names, in this
 * order). Hashes never appear here; a secret only in the answers that create or rotate it.
 */
final class Views {
  private Views() {}

  private static String text(Optional<Instant> instant) {
    return instant.map(Instant::toString).orElse(null);
  }

  /** An amount as plain text without trailing zeros (amounts are bounded: never long). */
  static String plain(BigDecimal amount) {
    return amount.stripTrailingZeros().toPlainString();
  }

  /** An organization. */
  record Organization(@JsonProperty("id") String id, @JsonProperty("name") String name,
      @JsonProperty("plan") String plan, @JsonProperty("billing_day") int billingDay,
      @JsonProperty("time_zone") String timeZone,
      @JsonProperty("scheduled_plan_change") @com.fasterxml.jackson.annotation.JsonInclude(
          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) ScheduledChange scheduled) {
    static Organization of(Customer c) {
      return new Organization(c.id(), c.name(), c.plan(), c.billingAnchor().dayOfMonth(),
          c.billingAnchor().zone().getId(), null);
    }

    static Organization of(Customer c, java.util.Optional<dev.monetize.billing.PlanChange> scheduled) {
      return new Organization(c.id(), c.name(), c.plan(), c.billingAnchor().dayOfMonth(),
          c.billingAnchor().zone().getId(), scheduled.map(s -> new ScheduledChange(s.plan(), s.since().toString()))
          .orElse(null));
    }
  }

  /** A plan change that takes effect at the end of the billing period. */
  record ScheduledChange(@JsonProperty("plan") String plan, @JsonProperty("at") String at) {}

  /** A project. */
  record ProjectView(@JsonProperty("id") String id, @JsonProperty("organization_id") String organizationId,
      @JsonProperty("name") String name, @JsonProperty("scopes") List<String> scopes,
      @JsonProperty("created_at") String createdAt) {
    static ProjectView of(Project p) {
      return new ProjectView(p.id(), p.organizationId(), p.name(), List.copyOf(new TreeSet<>(p.scopes())),
          p.createdAt().toString());
    }
  }

  /** A key (with its secret only when just created or rotated). */
  record Key(@JsonProperty("id") String id, @JsonProperty("organization_id") String organizationId,
      @JsonProperty("project_id") String projectId, @JsonProperty("scopes") List<String> scopes,
      @JsonProperty("environment") String environment, @JsonProperty("status") String status,
      @JsonProperty("created_at") String createdAt, @JsonProperty("expires_at") String expiresAt,
      @JsonProperty("previous_valid_until") String previousValidUntil,
      @JsonProperty("limits") Map<String, Long> limits,
      @JsonProperty("secret") @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
    static Key of(ApiKey k) {
      return withSecret(k, null);
    }

    static Key withSecret(ApiKey k, String secret) {
      return new Key(k.id(), k.customerId(), k.projectId().orElse(null), List.copyOf(new TreeSet<>(k.scopes())),
          k.environment().name().toLowerCase(Locale.ROOT), k.status().name().toLowerCase(Locale.ROOT),
          k.createdAt().toString(), text(k.expiresAt()), text(k.previousValidUntil()),
          held(k.limitOverrides()), secret);
    }

    /** The key's limits as they bind: a rate stored past what a rate counts is held at that bound. */
    private static Map<String, Long> held(Map<String, Long> limits) {
      Map<String, Long> out = new TreeMap<>(limits);
      out.computeIfPresent("rate", (name, v) -> Math.min(v, dev.monetize.keys.internal.KeyRegistry.maxOf(name)));
      return out;
    }
  }

  /** A page of keys. */
  record KeyPage(@JsonProperty("data") List<Key> data, @JsonProperty("next_cursor") String nextCursor) {}

  /** A minted token. */
  record Token(@JsonProperty("token") String token, @JsonProperty("token_type") String tokenType,
      @JsonProperty("expires_at") String expiresAt, @JsonProperty("scopes") List<String> scopes) {}

  /** A wallet entry (with, after a top-up, whether it moved anything and the balance). */
  record Entry(@JsonProperty("id") String id, @JsonProperty("customer_id") String customerId,
      @JsonProperty("kind") String kind, @JsonProperty("amount") String amount,
      @JsonProperty("balance_after") String balanceAfter, @JsonProperty("note") String note,
      @JsonProperty("at") String at,
      @JsonProperty("applied") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean applied,
      @JsonProperty("balance") @JsonInclude(JsonInclude.Include.NON_NULL) String balance) {
    static Entry of(WalletEntry e) {
      return new Entry(e.id(), e.customerId(), e.kind(), plain(e.amount()), plain(e.balanceAfter()), e.note(),
          e.at().toString(), null, null);
    }

    Entry topUp(boolean isApplied, BigDecimal newBalance) {
      return new Entry(id, customerId, kind, amount, balanceAfter, note, at, isApplied, plain(newBalance));
    }
  }

  /** A wallet and its latest entries. */
  record Wallet(@JsonProperty("customer_id") String customerId, @JsonProperty("balance") String balance,
      @JsonProperty("entries") List<Entry> entries) {}

  /** One limit as it stands. */
  record Limit(@JsonProperty("name") String name, @JsonProperty("quota") long quota,
      @JsonProperty("window_seconds") long windowSeconds, @JsonProperty("remaining") long remaining,
      @JsonProperty("reset_seconds") long resetSeconds, @JsonProperty("unit") String unit) {
    static Limit of(PolicyState s) {
      return new Limit(s.name(), s.quota(), s.windowSeconds(), Math.max(0, s.remaining()), s.resetSeconds(), s.unit());
    }
  }

  /** The counted usage of a period. */
  record Counted(@JsonProperty("requests") long requests, @JsonProperty("bytes_in") long bytesIn,
      @JsonProperty("bytes_out") long bytesOut, @JsonProperty("compute_ms") long computeMs,
      @JsonProperty("cpu_ms") long cpuMs, @JsonProperty("cache_hits") long cacheHits,
      @JsonProperty("by_operation") Map<String, Long> byOperation,
      @JsonProperty("units_by_operation") Map<String, Map<String, Long>> unitsByOperation) {}

  /** The usage of the caller's customer in its current period. */
  record Usage(@JsonProperty("customer_id") String customerId, @JsonProperty("plan") String plan,
      @JsonProperty("period_start") String periodStart, @JsonProperty("period_end") String periodEnd,
      @JsonProperty("usage") Counted usage, @JsonProperty("limits") List<Limit> limits,
      @JsonProperty("credits") @JsonInclude(JsonInclude.Include.NON_NULL) String credits,
      @JsonProperty("cost") Map<String, String> cost, @JsonProperty("as_of") String asOf,
      @JsonProperty("suggestion") @JsonInclude(JsonInclude.Include.NON_NULL) Suggestion suggestion) {}

  /** A plan a tier rule suggests. */
  record Suggestion(@JsonProperty("plan") String plan, @JsonProperty("rule") String rule,
      @JsonProperty("reason") String reason) {}

  /** One invoice in a list: {@code id} is its number, or {@code draft} for the current period's draft. */
  record InvoiceSummary(@JsonProperty("id") String id, @JsonProperty("number") String number, @JsonProperty("period_start") String periodStart,
      @JsonProperty("period_end") String periodEnd, @JsonProperty("status") String status,
      @JsonProperty("currency") String currency, @JsonProperty("total") String total,
      @JsonProperty("amount_due") String amountDue) {}

  /** A list of invoices. */
  record Invoices(@JsonProperty("data") List<InvoiceSummary> data) {}

  /** An invoice, as {@link dev.monetize.billing.Invoice#json()} writes it. */
  static com.fasterxml.jackson.databind.JsonNode invoice(dev.monetize.billing.Invoice i) {
    return dev.monetize.billing.internal.InvoiceFormats.tree(i);
  }
}
