package dev.monetize.management.internal;

import dev.monetize.management.ManagementApi;
import dev.monetize.management.Target;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The response cache: drop cached answers by tag (operator), for one organization or for all. */
final class CacheResource {
  private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private final ManagementContext context;

  CacheResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response invalidate(ManagementCall c) {
    c.authorize(Target.self()); // the operator's alone (the authority table's row)
    Bodies.CacheInvalidation body = c.bind(Bodies.CacheInvalidation.class);
    String tag = ManagementCall.text(body.tag(), "tag", true).orElseThrow();
    if (!TAG.matcher(tag).matches()) {
      throw ManagementRefusal.badRequest("tag: 1-64 of a-z 0-9 - _, starting with a letter or digit.");
    }
    Optional<String> customer = ManagementCall.text(body.customerId(), "customer_id", false);
    if (customer.isPresent() && !dev.monetize.plans.Customer.validId(customer.get())) {
      throw ManagementRefusal.badRequest("customer_id: 1-128 of A-Z a-z 0-9 - _ ."); // never handed to a store
    }
    if (customer.isPresent() && context.customers().find(customer.get()).isEmpty()) {
      throw ManagementRefusal.notFound("organization", customer.get());
    }
    c.details.put("tag", tag);
    customer.ifPresent(id -> c.details.put("customer_id", id));
    if (customer.isPresent()) {
      context.cache().invalidate(customer.get(), tag);
    } else {
      context.cache().invalidateForEveryone(tag);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tag", tag);
    out.put("customer_id", customer.orElse(null));
    out.put("invalidated", true);
    return ManagementCall.ok(200, out);
  }
}
