package dev.monetize.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a real server on the loopback address, to test what a store does when the
 * network to its server fails: {@link #cut()} closes every relayed connection and refuses new ones (a
 * failover, a cable pulled); {@link #delayReplies} holds the server's replies back while requests reach
 * it at once (a slow network, or a paused client, after the server did the work).
 *
 * <pre>{@code
 * try (TcpRelay relay = new TcpRelay(6379)) {
 *   RedisLimiterStore store = RedisLimiterStore.builder().uri("redis://127.0.0.1:" + relay.port() + "/0").build();
 *   relay.delayReplies(3_000);   // every reply from now on comes 3 s late
 * }
 * }</pre>
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger held = new AtomicInteger();
  private volatile boolean cut;
  private volatile long delayMillis;

  /** Relays connections made to {@link #port()} to {@code targetPort} on the loopback address. */
  public TcpRelay(int targetPort) throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          if (cut) {
            client.close();
            continue;
          }
          Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          open.add(client);
          open.add(server);
          pump(client, server, false);
          pump(server, client, true);
        } catch (IOException e) {
          // the listener closed, or one connection failed: the others go on
        }
      }
    }, "tcp-relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** The port to connect to instead of the server's. */
  public int port() {
    return listener.getLocalPort();
  }

  /** From now on, each reply read from the server waits this long before the client gets it (0: none). */
  public void delayReplies(long millis) {
    delayMillis = millis;
  }

  /** Replies read from the server that the client has not been given yet. */
  public int held() {
    return held.get();
  }

  private void pump(Socket from, Socket to, boolean replies) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!replies) {
            out.write(buffer, 0, n);
            out.flush();
            continue;
          }
          held.incrementAndGet();
          try { // a reply lost with its connection is not held any more
            long delay = delayMillis;
            if (delay > 0) {
              Thread.sleep(delay);
            }
            out.write(buffer, 0, n);
            out.flush();
          } finally {
            held.decrementAndGet();
          }
        }
      } catch (IOException e) {
        // cut, or closed by either side
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Closes every relayed connection; new ones are accepted and closed at once. */
  public void cut() {
    cut = true;
    open.forEach(TcpRelay::closeQuietly);
    open.clear();
  }

  /**
   * Closes every relayed connection and goes on relaying new ones (a connection reset, where
   * {@link #cut()} is an outage): what was sent and not yet answered is lost with its connection.
   */
  public void reset() {
    open.forEach(TcpRelay::closeQuietly);
    open.clear();
  }

  /**
   * As {@link #reset()}, each connection ended by a TCP reset ({@code RST}) instead of a close: what a
   * crashed peer or a middlebox dropping the connection sends; the client reads an I/O error.
   */
  public void abort() {
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        // already closed
      }
      closeQuietly(s);
    }
    open.clear();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Cuts every connection and stops listening. */
  @Override
  public void close() throws IOException {
    cut();
    listener.close();
  }
}
