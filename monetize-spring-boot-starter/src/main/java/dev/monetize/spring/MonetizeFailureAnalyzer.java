package dev.monetize.spring;

import dev.monetize.config.ConfigException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Puts a start that Monetize refused (a property, the plans file, a {@code @Monetized} handler) in
 * Spring Boot's "APPLICATION FAILED TO START" report, with Monetize's own message as the description,
 * instead of at the bottom of a bean creation stack trace.
 */
final class MonetizeFailureAnalyzer implements FailureAnalyzer {
  static final String ACTION = "Change the setting the description names: a monetize.* property (in "
      + "application.properties or the environment), the plans file (monetize.plans), or the @Monetized handler; "
      + "or, when it names a server or a directory it cannot use, make that one reachable. The Spring Boot guide of "
      + "Monetize lists every property.";

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (ours(t)) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        String because = root == t || t.getMessage().contains(String.valueOf(root.getMessage())) ? ""
            : " (cause: " + root + ")"; // a server that refused, a file it could not lock: not hidden at DEBUG
        return new FailureAnalysis("Monetize cannot start: " + t.getMessage() + because, ACTION, t);
      }
    }
    return null;
  }

  /** A refusal Monetize made itself, with a message that names what to change. */
  private static boolean ours(Throwable t) {
    if (t instanceof ConfigException) {
      return true;
    }
    if (!(t instanceof IllegalStateException || t instanceof IllegalArgumentException) || t.getMessage() == null) {
      return false;
    }
    StackTraceElement[] at = t.getStackTrace();
    return at.length > 0 && at[0].getClassName().startsWith("dev.monetize.");
  }
}
