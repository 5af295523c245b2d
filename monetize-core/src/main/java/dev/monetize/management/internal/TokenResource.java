package dev.monetize.management.internal;

import dev.monetize.errors.ErrorCode;
import dev.monetize.management.Authority;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Tokens: minted from the caller's key (never from a token). */
final class TokenResource {
  private final ManagementContext context;
  private final ManagementLimits limits;

  TokenResource(ManagementContext context, ManagementLimits limits) {
    this.context = context;
    this.limits = limits;
  }

  ManagementApi.Response mintToken(ManagementCall c) {
    c.authorize(Target.self());
    if (c.principal.operator()) {
      throw new ManagementRefusal(dev.monetize.errors.ErrorCode.TOKEN_NOT_ALLOWED, "The operator credential mints no "
          + "tokens: it is configured, not a key of the store; hand out customers' keys or tokens instead.");
    }
    Bodies.Token body = c.bind(Bodies.Token.class);
    Set<String> scopes = body.scopes() != null ? ManagementCall.scopes(body.scopes(), true) : c.principal.scopes();
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, c.principal.customerId()));
    long maxTtl = context.tokens().maxTtl().toSeconds();
    long ttl = ManagementCall.number(body.ttlSeconds(), "ttl_seconds", 1, maxTtl)
        .orElse(context.tokens().defaultTtl().toSeconds());
    ManagementCall.charge(context, "{" + c.principal.customerId() + "}:mgmt:tokens:k:" + c.principal.keyId(), "token-minting",
        limits.tokenMinting(), "tokens minted");
    Instant now = context.time().now();
    String token = context.mintToken(c.principal, scopes, now, Duration.ofSeconds(ttl))
        .orElseThrow(() -> new ManagementRefusal(ErrorCode.KEY_INVALID, "The key is no longer valid."));
    c.details.put("scopes", String.join(" ", new TreeSet<>(scopes)));
    c.details.put("ttl_seconds", Long.toString(ttl));
    return ManagementCall.ok(200, new Views.Token(token, "Bearer", now.plusSeconds(ttl).toString(),
        List.copyOf(new TreeSet<>(scopes))));
  }
}
