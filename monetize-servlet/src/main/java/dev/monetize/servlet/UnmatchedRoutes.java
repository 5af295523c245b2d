package dev.monetize.servlet;

/** What the filter does with a request that matches no route of the catalog. */
public enum UnmatchedRoutes {
  /** Let it through to the application untouched (not metered, not audited). The default. */
  PASS_THROUGH,
  /** Answer 404 {@code not_found} as problem JSON, so nothing unmetered is reachable. */
  NOT_FOUND
}
