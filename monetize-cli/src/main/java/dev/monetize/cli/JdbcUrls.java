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

  /**
   * Why {@code e} failed, for a person: its message, the database's own words (the first SQL error
   * among its causes), and what to do when the schema is missing; the URL's parameters left out.
   */
  static String reason(Throwable e, String url) {
    String m = String.valueOf(e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        if (sql.getMessage() != null && !m.contains(sql.getMessage())) {
          m += ": " + sql.getMessage();
        }
        if ("42P01".equals(sql.getSQLState())) {
          m += " (the schema is not there: start the service on this database once, it runs the migrations)";
        }
        break;
      }
    }
    return redacted(m, url).replaceAll("\\s*\\R\\s*", "; "); // PostgreSQL adds lines (Position: 39): one line
  }

  /** A driver's message without the URL's parameters or user information (a password among them). */
  static String redacted(String message, String url) {
    String m = message == null ? "" : message;
    int q = url.indexOf('?');
    if (q >= 0) {
      m = m.replace(url.substring(q), "?...");
    }
    int authority = url.indexOf("//");
    int end = q < 0 ? url.length() : q;
    int at = authority < 0 ? -1 : url.lastIndexOf('@', end - 1);
    if (at > authority + 2) { // jdbc:postgresql://user:password@host/db: the user information goes too
      m = m.replace(url.substring(authority + 2, at + 1), "...@");
    }
    return m;
  }
}
