package dev.monetize.spring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The real servers the tests use: skipped when missing, unless {@code CI=true}, where they fail. */
final class Servers {

  private Servers() {}

  static void require(String what, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
    } catch (IOException e) {
      String message = what + " is not reachable at 127.0.0.1:" + port + " (" + e.getMessage() + ")";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + ". CI=true: these tests must run.");
      }
      Assumptions.abort(message + "; start it to run these tests");
    }
  }

  /** A Redis server of the test's own on a free port, which the test may stop. */
  @SuppressWarnings("try")
  static final class OwnRedis implements AutoCloseable {
    final int port;
    private final Process process;

    OwnRedis() throws IOException {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("monetize-redis");
      try {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", dir.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
      } catch (IOException e) {
        if ("true".equals(System.getenv("CI"))) {
          throw e;
        }
        Assumptions.abort("redis-server is not installed: " + e.getMessage());
        throw e;
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return true;
        }
      });
    }

    void stop() {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      stop();
    }
  }
}
