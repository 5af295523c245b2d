package dev.monetize.keys;

import java.util.regex.Pattern;

/**
 * Removes credentials from text and exceptions before they are logged: API keys
 * ({@code mk_live_...}, {@code mk_test_...}) and JWTs become {@code [redacted]}. Monetize passes
 * everything it logs about a failed request through this, including exceptions thrown by the
 * application, whose messages may quote a header.
 */
public final class Redaction {
  private static final Pattern SECRETS = Pattern.compile(
      "mk_(?:live|test)_[0-9A-Za-z]{6,}|eyJ[0-9A-Za-z_-]{4,}\\.[0-9A-Za-z_-]*\\.[0-9A-Za-z_-]*");
  private static final String REDACTED = "[redacted]";

  private Redaction() {}

  /** Whether {@code text} holds an API key or a token (what {@link #redact(String)} replaces). */
  public static boolean containsSecret(String text) {
    return text != null && (text.indexOf("mk_") >= 0 || text.indexOf("eyJ") >= 0) && SECRETS.matcher(text).find();
  }

  /** {@code text} with every key and token replaced. */
  public static String redact(String text) {
    if (text == null || text.indexOf("mk_") < 0 && text.indexOf("eyJ") < 0) { // the common case: no matcher
      return text;
    }
    return SECRETS.matcher(text).replaceAll(REDACTED);
  }

  /**
   * {@code text} as a problem's detail may quote it (a request's path): every key and token replaced,
   * and cut to its first 200 characters ({@code ...} after them), so an answer neither carries a
   * secret a caller put in a URL nor echoes kilobytes of it.
   */
  public static String quoted(String text) {
    String safe = redact(text);
    return safe == null || safe.length() <= 200 ? safe : safe.substring(0, 200) + "...";
  }

  /**
   * A copy of {@code t} (and its causes) whose messages are redacted, with the same class names in
   * the message and the same stack traces: safe to hand to a logger. Control characters in the
   * messages are written as escapes ({@code \n}, {@code \u0000}): a message quoting what a caller
   * sent (a database's error quoting a value) cannot begin a forged line of the log.
   */
  public static Throwable redact(Throwable t) {
    return copy(t, 0);
  }

  private static Throwable copy(Throwable t, int depth) {
    if (t == null || depth > 16) {
      return null;
    }
    Throwable cause = copy(t.getCause() == t ? null : t.getCause(), depth + 1);
    RedactedException r = new RedactedException(t.getClass().getName() + ": "
        + escapeControls(redact(String.valueOf(t.getMessage()))), cause);
    r.setStackTrace(t.getStackTrace());
    return r;
  }

  /** {@code text} with each control character as an escape (a line feed as {@code \n}, others as {@code \\uXXXX}). */
  static String escapeControls(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || c == '\u2028' || c == '\u2029';
      if (control && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (!control) {
          out.append(c);
        } else if (c == '\n') {
          out.append("\\n");
        } else if (c == '\r') {
          out.append("\\r");
        } else if (c == '\t') {
          out.append("\\t");
        } else {
          out.append(String.format("\\u%04x", (int) c));
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** An exception standing in for another whose message was redacted. */
  static final class RedactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedactedException(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
