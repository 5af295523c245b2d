package dev.monetize.management;

import java.util.Locale;

/** The permission table of {@code docs/security.md}, generated from {@link ManagementOperation}. */
final class PermissionTable {
  private PermissionTable() {}

  /** The table as Markdown, one row per operation. */
  static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| operation | method and path | needs | target rule | tokens |\n");
    sb.append("| --- | --- | --- | --- | --- |\n");
    for (ManagementOperation op : ManagementOperation.values()) {
      sb.append("| `").append(op.name().toLowerCase(Locale.ROOT)).append("` | `").append(op.method())
          .append(" /monetize").append(op.path()).append("` | ").append(op.permission().holder()).append(" | ")
          .append(op.rule().words()).append(" | ")
          .append(op.permission() == Permission.PUBLIC || op.permission() == Permission.ANYONE ? "-" : op.keyOnly() ? "refused (`token_not_allowed`)"
              : "allowed, with the token's scopes")
          .append(" |\n");
    }
    return sb.toString();
  }
}
