package dev.monetize.keys;

/**
 * A newly created key together with its secret. This is the only place the secret ever exists on
 * the server: show it to the user once and drop it.
 *
 * @param key the stored record
 * @param secret the secret to hand to the user, e.g. {@code mk_live_...}
 */
public record IssuedKey(ApiKey key, String secret) {
  /** Never prints the secret. */
  @Override
  public String toString() {
    return "IssuedKey[key=" + key + ", secret=<redacted>]";
  }
}
