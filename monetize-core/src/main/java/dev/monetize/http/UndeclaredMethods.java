package dev.monetize.http;

/**
 * What adapters do with a request whose path is a monetized route but whose method the catalog
 * does not declare there (say {@code POST /v1/report} where only {@code GET} is). Set with
 * {@code MonetizeBuilder.undeclaredMethods}.
 */
public enum UndeclaredMethods {
  /**
   * Answer {@code 405 method_not_allowed} as problem JSON with {@code Allow} naming the declared
   * methods, so a handler that also serves other methods is never reached unmetered. The default.
   */
  REFUSE,
  /**
   * Treat it like any route outside the catalog (the servlet filter's {@code UnmatchedRoutes}
   * policy decides; JAX-RS serves an unannotated method as the application wrote it).
   */
  PASS_THROUGH
}
