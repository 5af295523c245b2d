package dev.monetize.examples.analytics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A variant of the example started as a separate JVM through its {@code main}, as a user starts it:
 * its start-up lines parsed, its standard error kept in a file for failure messages.
 */
public final class ExampleProcess implements AutoCloseable {
  private static final Pattern DEMO = Pattern.compile("demo key ([a-z]+): (\\S+)");

  private final Process process;
  private final List<String> startLines;
  private final Map<String, String> demoKeys;
  private final int port;
  private final Path stderr;

  private ExampleProcess(Process process, List<String> startLines, Map<String, String> demoKeys, int port,
      Path stderr) {
    this.process = process;
    this.startLines = startLines;
    this.demoKeys = demoKeys;
    this.port = port;
    this.stderr = stderr;
  }

  /**
   * Starts {@code mainClass} with this JVM's class path and {@code env} added to the environment,
   * and reads its output up to {@code listening on <port>}.
   *
   * @throws IllegalStateException with the process's standard error when it exits before listening
   */
  public static ExampleProcess start(Class<?> mainClass, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), mainClass.getName());
    pb.environment().putAll(env);
    Path stderr = Files.createTempFile("example-stderr", ".log");
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    Map<String, String> keys = new LinkedHashMap<>();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
      Matcher m = DEMO.matcher(line);
      if (m.matches()) {
        keys.put(m.group(1), m.group(2));
      }
      if (line.startsWith("listening on ")) {
        return new ExampleProcess(p, List.copyOf(lines), Map.copyOf(keys),
            Integer.parseInt(line.substring("listening on ".length()).trim()), stderr);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(mainClass.getSimpleName() + " exited before listening; it printed " + lines
        + " and on standard error:\n" + Files.readString(stderr));
  }

  /** Every line printed up to and including {@code listening on <port>}. */
  public List<String> startLines() {
    return startLines;
  }

  /** The demo secret printed for {@code plan} (or {@code admin}). */
  public String demoKey(String plan) {
    String key = demoKeys.get(plan);
    if (key == null) {
      throw new IllegalArgumentException("no demo key for " + plan + " in " + startLines);
    }
    return key;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** What it printed on standard error so far. */
  public String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(standard error unreadable: " + e + ")";
    }
  }

  /** {@code kill -9}: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** A graceful stop (SIGTERM): the shutdown hook closes the service; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the example did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.deleteIfExists(stderr);
    } catch (IOException e) {
      // a leftover temporary file
    }
  }
}
