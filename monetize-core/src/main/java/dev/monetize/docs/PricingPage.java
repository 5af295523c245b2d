package dev.monetize.docs;

import dev.monetize.billing.PriceModel;
import dev.monetize.billing.internal.PriceText;
import java.util.Map;
import java.util.Optional;

import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import java.util.List;
import java.util.Locale;

/**
 * The plans side by side (rate, quotas, concurrency, overage, prepaid, and per operation whether
 * it is included and at what price), generated from the catalog that enforces them, as Markdown
 * (for {@code docs/pricing.md}) or as a self-contained HTML page (served at
 * {@code /monetize/pricing}).
 */
public final class PricingPage {
  private PricingPage() {}

  /** The table as Markdown. */
  public static String markdown(Catalog catalog, String title) {
    List<List<String>> rows = rows(catalog);
    StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n")
        .append("<!-- Generated from the plans by PricingPage: edit the plans, not this page. -->\n\n");
    for (int r = 0; r < rows.size(); r++) {
      sb.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
      if (r == 0) {
        sb.append("|").append(" --- |".repeat(rows.get(0).size())).append('\n');
      }
    }
    return sb.toString();
  }

  /** The table as a small HTML page. */
  public static String html(Catalog catalog, String title) {
    List<List<String>> rows = rows(catalog);
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title><style>body{font-family:sans-serif;margin:2em}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em .8em;text-align:left}"
            + "th{background:#f4f4f4}</style></head><body><h1>").append(escape(title)).append("</h1><table>");
    for (int r = 0; r < rows.size(); r++) {
      sb.append("<tr>");
      for (String cell : rows.get(r)) {
        String tag = r == 0 || cell == rows.get(r).get(0) ? "th" : "td";
        sb.append('<').append(tag).append('>').append(escape(cell.replace("`", ""))).append("</").append(tag).append('>');
      }
      sb.append("</tr>");
    }
    return sb.append("</table></body></html>\n").toString();
  }

  private static List<List<String>> rows(Catalog catalog) {
    List<Plan> plans = catalog.plans();
    List<List<String>> rows = new java.util.ArrayList<>();
    List<String> header = new java.util.ArrayList<>();
    header.add("");
    plans.forEach(p -> header.add(p.name()));
    rows.add(header);
    rows.add(row("Rate", plans, p -> p.rate().count() + " per " + period(p) + ", burst " + p.rate().burst()));
    int quotas = plans.stream().mapToInt(p -> p.quotas().size()).max().orElse(0);
    for (int i = 0; i < quotas; i++) {
      int at = i;
      rows.add(row("Quota " + (i + 1), plans, p -> at < p.quotas().size() ? quota(p.quotas().get(at)) : "-"));
    }
    rows.add(row("Concurrent requests", plans, p -> p.concurrency().map(c -> Long.toString(c.limit())).orElse("unlimited")));
    rows.add(row("Beyond a quota", plans, p -> switch (p.overage()) {
      case BLOCK -> "refused (429)";
      case BILL -> "billed as overage";
      case DEGRADE -> "served degraded";
    }));
    rows.add(row("Billing", plans, p -> p.prepaid() ? "prepaid credits" : "invoiced"));
    if (plans.stream().anyMatch(p -> p.fee().isPresent())) {
      rows.add(row("Fee", plans, p -> p.fee().map(f -> f.amount().toPlainString() + " " + f.currency().getCurrencyCode()
          + " per billing period").orElse("none")));
    }
    if (plans.stream().anyMatch(p -> p.minimum().isPresent())) {
      rows.add(row("Minimum", plans, p -> p.minimum().map(f -> f.amount().toPlainString() + " "
          + f.currency().getCurrencyCode() + " of usage per billing period").orElse("none")));
    }
    for (Operation op : catalog.operations()) {
      rows.add(row("`" + op.method() + " " + op.pathTemplate() + "`" + (op.cost() > 1 ? " (counts " + op.cost() + ")" : ""),
          plans, p -> !catalog.allows(p, op) ? "not included" : prices(p, op)));
    }
    return rows;
  }

  private interface Cell {
    String of(Plan p);
  }

  private static List<String> row(String label, List<Plan> plans, Cell cell) {
    List<String> r = new java.util.ArrayList<>();
    r.add(label);
    plans.forEach(p -> r.add(cell.of(p)));
    return r;
  }

  private static String period(Plan p) {
    long nanos = p.rate().period().toNanos();
    long s = nanos / 1_000_000_000L;
    if (nanos % 1_000_000_000L == 0) {
      return s == 1 ? "second" : s == 60 ? "minute" : s == 3600 ? "hour" : s == 86400 ? "day"
          : String.format(Locale.ROOT, "%,d seconds", s);
    }
    // 1.5 seconds, 0.5 seconds: never rounded
    return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + " seconds";
  }

  private static String quota(Quota q) {
    return String.format(Locale.ROOT, "%,d per %s", q.limit(), q.window().name().toLowerCase(Locale.ROOT));
  }

  /** The plan's prices of the operation, one per unit: the short form as before, models in words. */
  private static String prices(Plan p, Operation op) {
    Map<String, PriceModel> models = p.priceModels(op);
    if (models.isEmpty()) {
      return "included";
    }
    List<String> out = new java.util.ArrayList<>();
    for (Map.Entry<String, PriceModel> m : models.entrySet()) {
      Optional<Price> shortForm = m.getKey().equals(Plan.CALLS) ? p.callPrice(op) : Optional.empty();
      String currency = shortForm.map(s -> s.currency().getCurrencyCode())
          .orElseGet(() -> p.currency().map(java.util.Currency::getCurrencyCode).orElse(""));
      out.add(shortForm.map(PricingPage::price)
          .orElseGet(() -> m.getKey() + ": " + PriceText.describe(m.getValue(), currency, m.getKey())));
    }
    return String.join("; ", out);
  }

  private static String price(Price p) {
    return p.amount().stripTrailingZeros().toPlainString() + " " + p.currency().getCurrencyCode() + " per " + p.unit();
  }

  /** {@code s} as HTML text or attribute value (escapes {@code & < > "}). */
  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
