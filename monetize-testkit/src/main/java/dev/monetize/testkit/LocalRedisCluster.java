package dev.monetize.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis Cluster of a few masters on local ports, for tests: {@code redis-server
 * --cluster-enabled yes} per master, joined by {@code redis-cli --cluster create}, all slots
 * assigned, no replicas. It needs {@code redis-server} and {@code redis-cli} on the {@code PATH};
 * without them the test is skipped, or fails when {@code CI=true}.
 *
 * <pre>{@code
 * LocalRedisCluster cluster = LocalRedisCluster.shared();   // started once per JVM
 * RedisLimiterStore store = RedisLimiterStore.builder()
 *     .endpoint(RedisEndpoint.cluster(cluster.seedNodes())).build();
 * cluster.migrateSlot(cluster.slotOf("{acme}"), cluster.ports().get(0), Duration.ofMillis(200));
 * }</pre>
 */
public final class LocalRedisCluster implements AutoCloseable {
  private static LocalRedisCluster shared;

  private final Path directory;
  private final List<Integer> ports;
  private final List<Process> servers;

  private LocalRedisCluster(Path directory, List<Integer> ports, List<Process> servers) {
    this.directory = directory;
    this.ports = List.copyOf(ports);
    this.servers = servers;
  }

  /** One three-master cluster for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized LocalRedisCluster shared() {
    if (shared == null) {
      shared = start(3);
      LocalRedisCluster c = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(c::close, "redis-cluster-stop"));
    }
    return shared;
  }

  /** Starts {@code masters} servers (at least 3, as Redis requires) and joins them into a cluster. */
  public static LocalRedisCluster start(int masters) {
    if (masters < 3) {
      throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, got " + masters);
    }
    requireBinaries();
    List<Process> servers = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      Path dir = Files.createTempDirectory("monetize-redis-cluster");
      for (int i = 0; i < masters; i++) {
        int port = freePortPair(ports);
        ports.add(port);
        servers.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
            "--cluster-node-timeout", "5000", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
            "--logfile", dir.resolve("redis-" + port + ".log").toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("out-" + port + ".txt").toFile()).start());
      }
      LocalRedisCluster cluster = new LocalRedisCluster(dir, ports, servers);
      for (int port : ports) {
        cluster.await(port, "PONG", "PING");
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      String out = run(create);
      if (!out.contains("[OK] All 16384 slots covered")) {
        cluster.close();
        throw new IllegalStateException("redis-cli --cluster create did not cover every slot:\n" + out);
      }
      for (int port : ports) {
        cluster.await(port, "cluster_state:ok", "CLUSTER", "INFO");
      }
      return cluster;
    } catch (IOException e) {
      servers.forEach(Process::destroyForcibly);
      throw new UncheckedIOException("cannot start a local Redis Cluster: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      servers.forEach(Process::destroyForcibly); // no server outlives a start that failed
      throw e;
    }
  }

  /** The masters' ports, in the order they were started. */
  public List<Integer> ports() {
    return ports;
  }

  /** The seed nodes, as {@code MONETIZE_REDIS_CLUSTER_NODES} takes them: {@code 127.0.0.1:p1,127.0.0.1:p2,...}. */
  public String seedNodes() {
    return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
  }

  /** Runs one command on the master at {@code port} with {@code redis-cli}; returns what it printed, trimmed. */
  public String cli(int port, String... command) {
    List<String> args = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    args.addAll(List.of(command));
    return run(args).trim();
  }

  /** The slot of {@code key} (its hash tag's, when it has one). */
  public int slotOf(String key) {
    return Integer.parseInt(cli(ports.get(0), "CLUSTER", "KEYSLOT", key));
  }

  /** The port of the master that owns {@code slot} now. */
  public int ownerOf(int slot) {
    for (String line : cli(ports.get(0), "CLUSTER", "NODES").split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[2].contains("master")) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being imported or migrated, not owned
        }
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]);
        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        if (slot >= from && slot <= to) {
          return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
        }
      }
    }
    throw new IllegalStateException("no master owns slot " + slot);
  }

  /** How many keys the master at {@code port} holds. */
  public long keysOn(int port) {
    return Long.parseLong(cli(port, "DBSIZE"));
  }

  /**
   * Moves {@code slot} to the master at {@code toPort} as {@code redis-cli --cluster reshard} does,
   * while clients keep running: both sides are marked (importing, migrating), the slot stays so for
   * {@code whileMigrating} (clients get {@code ASK} for keys already moved, {@code TRYAGAIN} for a
   * command whose keys are split), the keys move in batches with {@code MIGRATE}, then every master
   * learns the new owner.
   */
  public void migrateSlot(int slot, int toPort, Duration whileMigrating) {
    int fromPort = ownerOf(slot);
    if (fromPort == toPort) {
      throw new IllegalArgumentException("slot " + slot + " is already on " + toPort);
    }
    String fromId = cli(fromPort, "CLUSTER", "MYID");
    String toId = cli(toPort, "CLUSTER", "MYID");
    String s = Integer.toString(slot);
    expectOk(cli(toPort, "CLUSTER", "SETSLOT", s, "IMPORTING", fromId));
    expectOk(cli(fromPort, "CLUSTER", "SETSLOT", s, "MIGRATING", toId));
    pause(whileMigrating);
    while (true) {
      String keys = cli(fromPort, "CLUSTER", "GETKEYSINSLOT", s, "100");
      if (keys.isEmpty()) {
        break;
      }
      List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(toPort), "", "0", "5000",
          "KEYS"));
      migrate.addAll(List.of(keys.split("\n")));
      String reply = cli(fromPort, migrate.toArray(String[]::new));
      if (!reply.equals("OK") && !reply.equals("NOKEY")) {
        throw new IllegalStateException("MIGRATE of slot " + slot + " failed: " + reply);
      }
      pause(whileMigrating.dividedBy(4));
    }
    expectOk(cli(toPort, "CLUSTER", "SETSLOT", s, "NODE", toId));
    expectOk(cli(fromPort, "CLUSTER", "SETSLOT", s, "NODE", toId));
    for (int port : ports) {
      if (port != fromPort && port != toPort) {
        expectOk(cli(port, "CLUSTER", "SETSLOT", s, "NODE", toId));
      }
    }
  }

  /** Stops every server and deletes their files. */
  @Override
  public synchronized void close() {
    for (Process p : servers) {
      p.destroy();
    }
    for (Process p : servers) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  private void await(int port, String expected, String... command) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = cli(port, command);
      if (last.contains(expected)) {
        return;
      }
      pause(Duration.ofMillis(50));
    }
    close();
    throw new IllegalStateException("Redis at " + port + " never answered " + String.join(" ", command) + " with "
        + expected + "; last answer: " + last + " (logs in " + directory + ")");
  }

  private static void expectOk(String reply) {
    if (!reply.equals("OK")) {
      throw new IllegalStateException("CLUSTER SETSLOT failed: " + reply);
    }
  }

  private static void requireBinaries() {
    try {
      run(List.of("redis-server", "--version"));
      run(List.of("redis-cli", "--version"));
    } catch (UncheckedIOException e) {
      String message = "redis-server and redis-cli are needed on the PATH to start a local Redis Cluster ("
          + e.getMessage() + ")";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + ". CI=true: the Redis Cluster tests must run.");
      }
      Assumptions.abort(message);
    }
  }

  /** A port whose cluster bus port (port + 10000) is free too. */
  private static int freePortPair(List<Integer> taken) throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (!taken.contains(port) && free(port) && free(port + 10_000)) {
        return port;
      }
    }
    throw new IOException("no free pair of ports (p, p + 10000) between 20000 and 40000");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  private static String run(List<String> command) {
    Path output = null;
    try {
      output = Files.createTempFile("redis-cli", ".txt");
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
