package dev.monetize.cli;

import java.io.PrintWriter;

/** What the commands that open a PostgreSQL database share: the URL check and redacted messages. */
final class JdbcUrls {
  private JdbcUrls() {}

  /** Whether {@code url} is a PostgreSQL JDBC URL; says what is expected on {@code err} when not. */
  static boolean postgres(String url, PrintWriter err) {
    if (url.startsWith("jdbc:postgresql:")) {
      return true;
    }
    err.println("--jdbc: expected a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    return false;
  }

  /** A driver's message without the URL's parameters (a password among them). */
  static String redacted(String message, String url) {
    String m = message == null ? "" : message;
    int q = url.indexOf('?');
    return q < 0 ? m : m.replace(url.substring(q), "?...");
  }
}
