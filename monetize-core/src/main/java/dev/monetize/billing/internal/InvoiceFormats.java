package dev.monetize.billing.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.Invoice;
import dev.monetize.docs.PricingPage;
import java.util.Locale;

/** The renderings of an {@link Invoice}: JSON (one tree for the API and the CLI), HTML and text. */
public final class InvoiceFormats {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InvoiceFormats() {}

  /** The JSON tree: the wire format of {@code /monetize/invoices} and of the CLI. */
  public static ObjectNode tree(Invoice inv) {
    ObjectNode n = JSON.createObjectNode();
    if (inv.number().isPresent()) {
      n.put("number", inv.number().get());
    } else {
      n.putNull("number");
    }
    n.put("status", inv.status());
    n.put("customer_id", inv.customerId());
    n.put("currency", inv.currency().getCurrencyCode());
    n.put("period_start", inv.periodStart().toString());
    n.put("period_end", inv.periodEnd().toString());
    ArrayNode lines = n.putArray("lines");
    for (Invoice.Line l : inv.lines()) {
      ObjectNode ln = lines.addObject();
      ln.put("description", l.description());
      ln.put("plan", l.plan());
      ln.put("kind", l.kind().json());
      l.operation().ifPresent(o -> ln.put("operation", o));
      l.unit().ifPresent(u -> ln.put("unit", u));
      ln.put("quantity", l.quantity());
      ln.put("amount", l.amount().toPlainString());
    }
    n.put("total", inv.total().toPlainString());
    n.put("amount_due", inv.amountDue().toPlainString());
    return n;
  }

  /** Reads what {@link #tree} wrote (a stored final invoice). */
  public static Invoice parse(String json) {
    com.fasterxml.jackson.databind.JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an invoice: " + e.getOriginalMessage());
    }
    java.util.Currency currency = java.util.Currency.getInstance(n.path("currency").asText());
    java.util.List<Invoice.Line> lines = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode l : n.path("lines")) {
      lines.add(new Invoice.Line(l.path("description").asText(), l.path("plan").asText(),
          Invoice.Kind.valueOf(l.path("kind").asText().toUpperCase(Locale.ROOT)), text(l, "operation"), text(l, "unit"),
          l.path("quantity").asLong(), new java.math.BigDecimal(l.path("amount").asText())));
    }
    return new Invoice(text(n, "number"), n.path("customer_id").asText(), currency,
        java.time.Instant.parse(n.path("period_start").asText()), java.time.Instant.parse(n.path("period_end").asText()),
        lines, new java.math.BigDecimal(n.path("total").asText()), new java.math.BigDecimal(n.path("amount_due").asText()));
  }

  private static java.util.Optional<String> text(com.fasterxml.jackson.databind.JsonNode n, String field) {
    com.fasterxml.jackson.databind.JsonNode v = n.get(field);
    return v == null || v.isNull() ? java.util.Optional.empty() : java.util.Optional.of(v.asText());
  }

  public static String json(Invoice inv) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree(inv));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String html(Invoice inv) {
    StringBuilder sb = new StringBuilder();
    String title = inv.number().map(n -> "Invoice " + n).orElse("Draft invoice");
    String code = inv.currency().getCurrencyCode();
    sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(PricingPage.escape(title))
        .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:.3em .6em}td.n{text-align:right}</style></head><body><h1>")
        .append(PricingPage.escape(title)).append("</h1><p>Customer ")
        .append(PricingPage.escape(inv.customerId())).append("<br>Period ").append(inv.periodStart())
        .append(" to ").append(inv.periodEnd()).append("</p><table><tr><th>Line</th><th>Quantity</th><th>Amount</th></tr>");
    for (Invoice.Line l : inv.lines()) {
      sb.append("<tr><td>").append(PricingPage.escape(l.description())).append("</td><td class=\"n\">")
          .append(l.quantity()).append("</td><td class=\"n\">").append(l.amount().toPlainString()).append("</td></tr>");
    }
    sb.append("<tr><th>Total</th><td></td><td class=\"n\"><b>").append(inv.total().toPlainString()).append(' ')
        .append(code).append("</b></td></tr><tr><th>Amount due</th><td></td><td class=\"n\"><b>")
        .append(inv.amountDue().toPlainString()).append(' ').append(code).append("</b></td></tr></table></body></html>");
    return sb.toString();
  }

  public static String text(Invoice inv) {
    StringBuilder sb = new StringBuilder();
    sb.append(inv.number().map(n -> "Invoice " + n).orElse("Draft invoice")).append('\n')
        .append("Customer ").append(inv.customerId()).append('\n')
        .append("Period   ").append(inv.periodStart()).append(" to ").append(inv.periodEnd()).append("\n\n");
    for (Invoice.Line l : inv.lines()) {
      sb.append(String.format(Locale.ROOT, "%-52s %12d %14s%n", l.description(), l.quantity(),
          l.amount().toPlainString()));
    }
    String code = inv.currency().getCurrencyCode();
    sb.append(String.format(Locale.ROOT, "%-52s %12s %14s %s%n", "Total", "", inv.total().toPlainString(), code));
    sb.append(String.format(Locale.ROOT, "%-52s %12s %14s %s%n", "Amount due", "", inv.amountDue().toPlainString(),
        code));
    return sb.toString();
  }
}
