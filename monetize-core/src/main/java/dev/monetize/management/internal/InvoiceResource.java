package dev.monetize.management.internal;

import dev.monetize.billing.Invoice;
import dev.monetize.http.Header;
import dev.monetize.management.ManagementApi;
import dev.monetize.Principal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** The caller's invoices: the current draft, as JSON, text or HTML. */
final class InvoiceResource {
  /** The number the current period's draft answers to until it is finalized. */
  static final String DRAFT = "draft";
  private final ManagementContext context;

  InvoiceResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response invoices(ManagementCall c) {
    return ManagementCall.ok(200, new Views.Invoices(context.reports().currentInvoice(c.account())
        .map(inv -> List.of(new Views.InvoiceSummary(inv.number().orElse(DRAFT), inv.number().orElse(null), inv.periodStart().toString(),
            inv.periodEnd().toString(), inv.status(), inv.currency().getCurrencyCode(),
            inv.total().toPlainString(), inv.amountDue().toPlainString())))
        .orElse(List.of())));
  }


  ManagementApi.Response invoice(ManagementCall c) {
    Principal account = c.account(); // the caller's own invoices, or the operator's choice of organization
    String number = c.parameter("number");
    String format = c.request.query().getOrDefault("format", "json");
    if (!Set.of("json", "text", "html").contains(format)) {
      throw ManagementRefusal.badRequest("format: json, text or html.");
    }
    Invoice inv = context.reports().currentInvoice(account).filter(i -> number.equals(DRAFT))
        .orElseThrow(() -> ManagementRefusal.notFound("invoice", number));
    if (!format.equals("json")) {
      boolean html = format.equals("html");
      return new ManagementApi.Response(200, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
          List.of(new Header("Cache-Control", "no-store")),
          (html ? inv.html() : inv.text()).getBytes(StandardCharsets.UTF_8));
    }
    return ManagementCall.ok(200, Views.invoice(inv));
  }
}
