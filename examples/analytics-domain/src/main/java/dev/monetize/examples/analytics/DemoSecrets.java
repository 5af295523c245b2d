package dev.monetize.examples.analytics;

import dev.monetize.MonetizeBuilder;
import dev.monetize.tokens.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What every process of one deployment must share besides its stores: the operator's credential
 * ({@code MONETIZE_OPERATOR_KEY}, else a fresh one per process) and the secret tokens are signed
 * with ({@code MONETIZE_TOKEN_SECRET}, at least 32 bytes, else one drawn per process: a token then
 * works only on the process that minted it). A real service reads both from its secret store.
 *
 * @param operatorKey the operator's credential, printed as the {@code admin} demo key
 * @param tokenSecret the tokens' signing secret, or empty for one of this process's own
 */
public record DemoSecrets(String operatorKey, Optional<byte[]> tokenSecret) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DemoSecrets.class);

  /** A fresh operator credential and tokens of this process's own: one process, in memory. */
  public static DemoSecrets fresh() {
    return new DemoSecrets(DemoService.newOperatorKey(), Optional.empty());
  }

  /**
   * The secrets {@code env} names; a process on shared stores without {@code MONETIZE_TOKEN_SECRET}
   * says that its tokens work on it alone.
   *
   * @throws IllegalArgumentException when {@code MONETIZE_TOKEN_SECRET} is shorter than 32 bytes
   */
  public static DemoSecrets fromEnvironment(Map<String, String> env) {
    String operator = env.get("MONETIZE_OPERATOR_KEY");
    String secret = env.get("MONETIZE_TOKEN_SECRET");
    Optional<byte[]> tokens = Optional.empty();
    if (secret != null && !secret.isBlank()) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8); // as given, as the Spring Boot starter reads it
      if (bytes.length < 32) {
        throw new IllegalArgumentException("MONETIZE_TOKEN_SECRET must be at least 32 bytes, got " + bytes.length
            + "; generate one with: openssl rand -base64 48");
      }
      tokens = Optional.of(bytes);
    } else if (shared(env)) {
      LOG.warn("tokens minted by this process are refused by the others sharing its stores: set "
          + "MONETIZE_TOKEN_SECRET (32 bytes or more) to the same value on every process");
    }
    return new DemoSecrets(operator == null || operator.isBlank() ? DemoService.newOperatorKey() : operator, tokens);
  }

  /** Names what is set, never a secret. */
  @Override
  public String toString() {
    return "DemoSecrets[operatorKey=(set), tokenSecret=" + (tokenSecret.isPresent() ? "(set)" : "(this process's)") + "]";
  }

  private static boolean shared(Map<String, String> env) {
    for (String name : new String[] {"MONETIZE_JDBC_URL", "MONETIZE_REDIS_URL", "MONETIZE_REDIS_CLUSTER_NODES"}) {
      if (env.get(name) != null && !env.get(name).isBlank()) {
        return true;
      }
    }
    return false;
  }

  /** Applies them to an engine's settings. */
  public MonetizeBuilder applyTo(MonetizeBuilder engine) {
    engine.operatorKey(operatorKey);
    tokenSecret.ifPresent(s -> engine.tokens(Tokens.builder().hs256(s).build()));
    return engine;
  }
}
