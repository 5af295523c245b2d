package dev.monetize.management.internal;

import dev.monetize.Principal;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.Header;
import dev.monetize.management.Authority;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementOperation;
import dev.monetize.plans.Scopes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The customer dashboard: its page and static assets (the same bytes for everyone, no data in
 * them), and the sign-in session that the page's script uses to read the management API. Every
 * asset's name carries a digest of its bytes, so it is cached for a year and a new release is
 * fetched at once; the page itself is revalidated.
 */
final class DashboardResource {
  /** The headers of every page and asset: no inline script or style, no framing, no referrer, no sniffing. */
  static final List<Header> PAGE_HEADERS = List.of(
      new Header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"),
      new Header("X-Content-Type-Options", "nosniff"),
      new Header("Referrer-Policy", "no-referrer"),
      new Header("X-Frame-Options", "DENY"),
      new Header("Cross-Origin-Opener-Policy", "same-origin"),
      new Header("Cross-Origin-Resource-Policy", "same-origin"));
  private static final dev.monetize.http.internal.StaticBundle BUNDLE = dev.monetize.http.internal.StaticBundle.read(
      DashboardResource.class, "dashboard", "dashboard/assets/", // relative to /monetize/dashboard
      "dashboard.js", "dashboard.css", "uPlot.iife.min.js", "uPlot.min.css");

  private final ManagementContext context;
  private final dev.monetize.management.ManagementLimits limits;

  DashboardResource(ManagementContext context, dev.monetize.management.ManagementLimits limits) {
    this.context = context;
    this.limits = limits;
  }

  /** The page: the same for everyone (the script reads the data), revalidated on every load. */
  ManagementApi.Response page() {
    return new ManagementApi.Response(200, "text/html; charset=utf-8", with(new Header("Cache-Control", "no-cache")),
        BUNDLE.page());
  }

  /** One asset by its digest-carrying name; any other name is {@code 404}. */
  ManagementApi.Response asset(String name) {
    dev.monetize.http.internal.StaticBundle.Asset a = BUNDLE.asset(name).orElseThrow(() -> new ManagementRefusal(
        ErrorCode.NOT_FOUND, "The dashboard has no asset " + ManagementRouter.shorten(name) + "; reload the page."));
    return new ManagementApi.Response(200, a.contentType(),
        with(new Header("Cache-Control", dev.monetize.http.internal.StaticBundle.IMMUTABLE)), a.bytes());
  }

  /**
   * Signs in: the key (never a token, never a session) in {@code Authorization} or
   * {@code X-API-Key} becomes a session cookie; only the dashboard's own script may ask (the marker
   * header), so another site cannot sign a visitor in to an account of its choosing.
   */
  ManagementApi.Response open(ManagementCall c) {
    c.authorize(dev.monetize.management.Target.self()); // a token, or a rotated key's old secret: refused here
    if (c.request.authorization().isEmpty() && c.request.apiKey().isEmpty()) {
      throw new ManagementRefusal(ErrorCode.KEY_MISSING, "Sign in with an API key in the Authorization header; a "
          + "session does not open another.");
    }
    if (!c.request.browser().marked()) {
      throw ManagementRefusal.badRequest("Sign in from the dashboard's page: its request carries the "
          + ManagementApi.Browser.MARKER + " header.");
    }
    // a sign-in costs like minting a token: sessions are few per key (the store keeps 10 per key at most)
    ManagementCall.charge(context, "{" + c.principal.customerId() + "}:mgmt:session:" + c.principal.keyId(),
        "management-sign-in", limits.tokenMinting(), "sign-ins");
    DashboardSessions.Opened opened;
    try {
      opened = context.sessions().open(c.principal).orElseThrow(() -> new ManagementRefusal(
          ErrorCode.TOKEN_NOT_ALLOWED, "A token cannot sign in to the dashboard; use an API key."));
    } catch (DashboardSessions.Full e) {
      throw new ManagementRefusal(ErrorCode.OVERLOADED, "The dashboard holds as many sessions as it can; sign in "
          + "again in a minute (your API key works meanwhile).", 60, java.util.List.of());
    }
    c.request.browser().session().ifPresent(context.sessions()::close); // the cookie the browser held ends here
    long maxAge = Math.max(1, Duration.between(context.time().now(), opened.expiresAt()).toSeconds());
    ManagementApi.Response body = ManagementCall.ok(201, who(c.principal, Optional.of(opened.expiresAt().toString())));
    return withCookie(body, cookie(opened.secret(), maxAge, c.request.browser()));
  }

  /** Who the session (or the credential) is: what the page shows and which parts it offers. */
  ManagementApi.Response who(ManagementCall c) {
    c.authorize(dev.monetize.management.Target.self());
    return ManagementCall.ok(200, who(c.principal, Optional.empty()));
  }

  /** Signs out: the session ends on the server and the cookie is cleared. */
  ManagementApi.Response close(ManagementCall c) {
    c.authorize(dev.monetize.management.Target.self());
    c.request.browser().session().ifPresent(context.sessions()::close);
    return withCookie(ManagementCall.ok(200, Map.of("signed_out", true)), cleared(c.request.browser()));
  }

  /** The {@code Set-Cookie} value that clears the session cookie. */
  String cleared(ManagementApi.Browser browser) {
    return cookie("", 0, browser);
  }

  private Map<String, Object> who(Principal p, Optional<String> expiresAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean operator = Authority.operator(p);
    m.put("customer_id", p.credential().isOperator() ? null : p.customerId());
    m.put("key_id", p.keyId());
    m.put("plan", p.credential().isOperator() ? null : p.plan().name());
    m.put("scopes", new TreeSet<>(p.scopes()));
    m.put("operator", operator);
    m.put("admin", operator || Scopes.grants(p.scopes(), "keys:write"));
    m.put("credential", p.credential().kindName());
    expiresAt.ifPresent(e -> m.put("expires_at", e));
    return m;
  }

  private String cookie(String value, long maxAge, ManagementApi.Browser browser) {
    return DashboardSessions.COOKIE + "=" + value + "; Path=" + browser.contextPath() + context.prefix()
        + "; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict" + (browser.secure() ? "; Secure" : "");
  }

  private static ManagementApi.Response withCookie(ManagementApi.Response r, String cookie) {
    List<Header> headers = new java.util.ArrayList<>(r.headers());
    headers.add(new Header("Set-Cookie", cookie));
    return new ManagementApi.Response(r.status(), r.contentType(), headers, r.body());
  }

  private static List<Header> with(Header cache) {
    List<Header> h = new java.util.ArrayList<>(PAGE_HEADERS);
    h.add(cache);
    return List.copyOf(h);
  }
}
