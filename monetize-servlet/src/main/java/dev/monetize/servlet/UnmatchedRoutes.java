package dev.monetize.servlet;

/** What the filter does with a request that matches no route of the catalog. */
public enum UnmatchedRoutes {
  /**
   * Let it through to the application untouched (no key, not metered, not audited). Opt-in only;
   * the filter logs a warning when it is chosen.
   */
  PASS_THROUGH,
  /** Answer 404 {@code not_found} as problem JSON, so nothing unmetered is reachable. The default. */
  NOT_FOUND
}
