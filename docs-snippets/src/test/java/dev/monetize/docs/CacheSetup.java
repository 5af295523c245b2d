package dev.monetize.docs;

import dev.monetize.Monetize;

/** docs/caching.md: dropping cached answers by tag after a tenant's data changed. */
final class CacheSetup {
  private CacheSetup() {}

  static void afterIngest(Monetize monetize, String tenantId) {
    // tag::invalidate[]
    monetize.cache().invalidate(tenantId, "stats");        // this tenant's entries under "stats"
    monetize.cache().invalidateForEveryone("stats");        // every tenant's
    // end::invalidate[]
  }
}
