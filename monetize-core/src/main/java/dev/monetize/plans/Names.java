package dev.monetize.plans;

import java.util.regex.Pattern;

/** Validation of the identifiers used in plans and operations. */
final class Names {
  private static final Pattern POLICY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern PLAN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern OPERATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final Pattern SCOPE = Pattern.compile("\\*|[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*(:\\*)?");

  private Names() {}

  static String requirePolicyName(String value, String what) {
    return require(value, POLICY, what, "1-64 of a-z, 0-9, '-', '_', starting with a letter or digit");
  }

  static String requirePlanName(String value, String what) {
    return require(value, PLAN, what, "1-64 of a-z, 0-9, '-', '_', starting with a letter or digit");
  }

  static String requireOperationId(String value, String what) {
    return require(value, OPERATION, what, "1-128 of A-Z, a-z, 0-9, '.', ':', '-', '_'");
  }

  static String requireScope(String value, String what) {
    if (value != null && value.length() > 128) {
      throw new IllegalArgumentException(what + " must be at most 128 characters");
    }
    return require(value, SCOPE, what,
        "'*', or segments of A-Z, a-z, 0-9, '.', '-', '_' separated by ':', optionally ending in ':*'");
  }

  private static String require(String value, Pattern pattern, String what, String allowed) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is required (" + allowed + ")");
    }
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' is invalid: allowed " + allowed);
    }
    return value;
  }
}
