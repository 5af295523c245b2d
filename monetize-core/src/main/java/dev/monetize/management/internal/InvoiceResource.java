package dev.monetize.management.internal;

import dev.monetize.billing.Invoice;
import dev.monetize.http.Header;
import dev.monetize.management.ManagementApi;
import dev.monetize.Principal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** The caller's invoices: the current draft and the final ones, as JSON, text or HTML. */
final class InvoiceResource {
  /** The number the current period's draft answers to until it is finalized. */
  static final String DRAFT = "draft";
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("INV-[0-9]{6,18}");
  private final ManagementContext context;

  InvoiceResource(ManagementContext context) {
    this.context = context;
  }

  /** The current draft first, then the final invoices, newest first. */
  ManagementApi.Response invoices(ManagementCall c) {
    Principal account = c.account();
    int limit = ManagementCall.pageLimit(c.request.query());
    List<Views.InvoiceSummary> out = new java.util.ArrayList<>();
    context.reports().currentInvoice(account).ifPresent(inv -> out.add(summary(inv)));
    context.reports().invoices(account, limit).forEach(inv -> out.add(summary(inv)));
    return ManagementCall.ok(200, new Views.Invoices(out.subList(0, Math.min(limit, out.size()))));
  }

  private static Views.InvoiceSummary summary(Invoice inv) {
    return new Views.InvoiceSummary(inv.number().orElse(DRAFT), inv.number().orElse(null),
        inv.periodStart().toString(), inv.periodEnd().toString(), inv.status(), inv.currency().getCurrencyCode(),
        inv.total().toPlainString(), inv.amountDue().toPlainString());
  }


  ManagementApi.Response invoice(ManagementCall c) {
    Principal account = c.account(); // the caller's own invoices, or the operator's choice of organization
    String number = c.parameter("number");
    if (!number.equals(DRAFT) && !NUMBER.matcher(number).matches()) {
      throw ManagementRefusal.notFound("invoice", number); // not a number we give: nothing to look up
    }
    String format = c.request.query().getOrDefault("format", "json");
    if (!Set.of("json", "text", "html").contains(format)) {
      throw ManagementRefusal.badRequest("format: json, text or html.");
    }
    Invoice inv = (number.equals(DRAFT) ? context.reports().currentInvoice(account)
        : context.reports().invoice(account, number)).orElseThrow(() -> ManagementRefusal.notFound("invoice", number));
    if (!format.equals("json")) {
      boolean html = format.equals("html");
      return new ManagementApi.Response(200, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
          List.of(new Header("Cache-Control", "no-store"), new Header("X-Content-Type-Options", "nosniff"),
              new Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")),
          (html ? inv.html() : inv.text()).getBytes(StandardCharsets.UTF_8));
    }
    return ManagementCall.ok(200, Views.invoice(inv));
  }
}
