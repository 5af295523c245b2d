package dev.monetize.examples.analytics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a tool of another language's toolchain (npm, node, python) for the SDK tests, the way a
 * user of that SDK would: in its project directory, with the running example's address and demo
 * keys in the environment; its whole output comes back for the assertion message.
 */
public final class SdkTool {
  private SdkTool() {}

  /** What a run printed and how it ended. */
  public record Result(int exitCode, String output) {}

  /**
   * Skips the test when {@code executable} is not installed, and fails it under {@code CI=true}
   * (where {@code .ci/run} installs it) with {@code install} in the message.
   */
  public static void require(String executable, String install) {
    boolean present = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, executable)));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + executable + " is missing: " + install);
    }
    Assumptions.assumeTrue(present, "skipped: " + executable + " is not installed (" + install + ")");
  }

  /** Runs {@code command} in {@code dir} with {@code env} added; at most {@code minutes}. */
  public static Result run(Path dir, Map<String, String> env, long minutes, List<String> command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("sdk-tool", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return new Result(-1, String.join(" ", command) + " did not finish in " + minutes + " minutes:\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Result(p.exitValue(), String.join(" ", command) + "\n" + out);
  }
}
