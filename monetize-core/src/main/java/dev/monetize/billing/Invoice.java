package dev.monetize.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One customer's invoice for one billing period, anchored to the customer's billing day and time
 * zone (the same calendar as the monthly quotas). The number is derived from the customer and the
 * period start, so building the same invoice twice gives the same number (idempotent).
 *
 * @param number e.g. {@code INV-acme-20261115}
 * @param customerId the customer
 * @param periodStart first instant of the period
 * @param periodEnd first instant after it
 * @param rated the lines and the total
 */
public record Invoice(String number, String customerId, Instant periodStart, Instant periodEnd, Rating.Result rated) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

  /** Validates. */
  public Invoice {
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(rated, "rated");
    if (!periodEnd.isAfter(periodStart)) {
      throw new IllegalArgumentException("the period must end after it starts");
    }
  }

  /** The invoice of the billing period containing {@code instant}, with these lines. */
  public static Invoice forPeriod(String customerId, BillingAnchor anchor, Instant instant, Currency currency,
      List<Rating.Usage> usage) {
    Instant start = CalendarWindows.startInstant(QuotaWindow.MONTH, anchor, instant);
    Instant end = CalendarWindows.endInstant(QuotaWindow.MONTH, anchor, instant);
    return new Invoice(number(customerId, start, anchor.zone()), customerId, start, end, Rating.rate(currency, usage));
  }

  /** The deterministic number of the period starting at {@code start}. */
  public static String number(String customerId, Instant start, ZoneId zone) {
    return "INV-" + customerId + "-" + DAY.format(start.atZone(zone));
  }

  /** As JSON (snake_case, amounts as decimal strings). */
  public String json() {
    ObjectNode n = JSON.createObjectNode();
    n.put("number", number);
    n.put("customer_id", customerId);
    n.put("period_start", periodStart.toString());
    n.put("period_end", periodEnd.toString());
    n.put("currency", rated.currency().getCurrencyCode());
    ArrayNode lines = n.putArray("lines");
    for (Rating.Line l : rated.lines()) {
      ObjectNode ln = lines.addObject();
      ln.put("description", l.description());
      ln.put("units", l.units());
      ln.put("amount", l.amount().toPlainString());
    }
    n.put("total", rated.total().toPlainString());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** As a readable, self-contained HTML page (every value escaped). */
  public String html() {
    StringBuilder sb = new StringBuilder();
    String title = "Invoice " + number;
    sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(dev.monetize.docs.PricingPage.escape(title))
        .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:.3em .6em}td.n{text-align:right}</style></head><body><h1>")
        .append(dev.monetize.docs.PricingPage.escape(title)).append("</h1><p>Customer ")
        .append(dev.monetize.docs.PricingPage.escape(customerId)).append("<br>Period ").append(periodStart)
        .append(" to ").append(periodEnd).append("</p><table><tr><th>Line</th><th>Units</th><th>Amount</th></tr>");
    for (Rating.Line l : rated.lines()) {
      sb.append("<tr><td>").append(dev.monetize.docs.PricingPage.escape(l.description())).append("</td><td class=\"n\">")
          .append(l.units()).append("</td><td class=\"n\">").append(l.amount().toPlainString()).append("</td></tr>");
    }
    sb.append("<tr><th>Total</th><td></td><td class=\"n\"><b>").append(rated.total().toPlainString()).append(' ')
        .append(rated.currency().getCurrencyCode()).append("</b></td></tr></table></body></html>");
    return sb.toString();
  }

  /** As readable text. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("Invoice ").append(number).append('\n')
        .append("Customer ").append(customerId).append('\n')
        .append("Period   ").append(periodStart).append(" to ").append(periodEnd).append("\n\n");
    for (Rating.Line l : rated.lines()) {
      sb.append(String.format(Locale.ROOT, "%-44s %12d %14s%n", l.description(), l.units(), l.amount().toPlainString()));
    }
    sb.append(String.format(Locale.ROOT, "%-44s %12s %14s %s%n", "Total", "", rated.total().toPlainString(),
        rated.currency().getCurrencyCode()));
    return sb.toString();
  }
}
