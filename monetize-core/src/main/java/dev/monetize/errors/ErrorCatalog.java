package dev.monetize.errors;

/**
 * Renders the error catalog (Markdown, one section per {@link ErrorCode}: status, meaning, how to
 * fix) from the enum itself, so the documentation a caller reads can never disagree with the codes
 * the service sends. Every problem {@code type} ({@code <docs base>/errors#<code>}) points at one of
 * its sections. {@code docs/errors.md} is this output; a test fails when they differ.
 */
public final class ErrorCatalog {
  private ErrorCatalog() {}

  /** The whole catalog as Markdown. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Error catalog\n\n")
        .append("<!-- Generated from dev.monetize.errors.ErrorCode by ErrorCatalog: edit the enum, not this page. -->\n\n")
        .append("Every refusal is an RFC 9457 problem (`application/problem+json`) with `type`, `title`, `status`,\n")
        .append("`detail`, and our members `code` (stable), `hint` (how to fix it) and `request_id`; rate, quota\n")
        .append("and overload refusals add `retry_after` (seconds) and, when a policy refused, `violated_policies`.\n")
        .append("The `type` is `<docs base>/errors#<code>`; the docs base defaults to `https://monetize.dev` and is\n")
        .append("set with `Monetize.builder().docsBase(URI)`. No body ever contains a stack trace, class name or\n")
        .append("internal address.\n\n")
        .append("| code | status | title |\n| --- | --- | --- |\n");
    for (ErrorCode c : ErrorCode.values()) {
      sb.append("| [`").append(c.code()).append("`](#").append(c.code()).append(") | ").append(c.status())
          .append(" | ").append(c.title()).append(" |\n");
    }
    for (ErrorCode c : ErrorCode.values()) {
      sb.append("\n## ").append(c.code()).append('\n')
          .append(c.status()).append(". ").append(c.meaning()).append("\n\n")
          .append("**Fix:** ").append(c.hint()).append('\n');
    }
    return sb.toString();
  }
}
