package dev.monetize.keys;

/**
 * The environment a key belongs to, visible in its prefix. A deployment accepts the keys of its
 * own environment only, so a test key can never spend live money and a live key never leaks into
 * test traffic.
 */
public enum KeyEnvironment {
  /** Production: keys start with {@code mk_live_}. */
  LIVE("mk_live_"),
  /** Testing and development: keys start with {@code mk_test_}. */
  TEST("mk_test_");

  private final String prefix;

  KeyEnvironment(String prefix) {
    this.prefix = prefix;
  }

  /** The readable prefix of this environment's keys. */
  public String prefix() {
    return prefix;
  }
}
