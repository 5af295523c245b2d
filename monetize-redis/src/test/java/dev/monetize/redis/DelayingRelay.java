package dev.monetize.redis;

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
 * A TCP relay in front of the test Redis that can hold the server's replies back: commands reach
 * the server at once (so a script runs in time), while {@link #delayReplies} makes every reply wait
 * before it goes on to the client, as a slow network or a paused client JVM would.
 */
final class DelayingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger held = new AtomicInteger();
  private volatile long delayMillis;

  /** Relays connections made to {@link #port()} to the test Redis. */
  DelayingRelay() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          Socket server = new Socket(RedisTestSupport.HOST, RedisTestSupport.PORT);
          open.add(client);
          open.add(server);
          pump(client, server, false);
          pump(server, client, true);
        } catch (IOException e) {
          // the listener closed, or one connection failed: the others go on
        }
      }
    }, "delaying-relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** From now on, each reply read from the server waits this long before the client gets it (0: none). */
  void delayReplies(long millis) {
    delayMillis = millis;
  }

  /** Replies read from the server that the client has not been given yet. */
  int held() {
    return held.get();
  }

  private void pump(Socket from, Socket to, boolean replies) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (replies) {
            held.incrementAndGet();
            long delay = delayMillis;
            if (delay > 0) {
              Thread.sleep(delay);
            }
          }
          out.write(buffer, 0, n);
          out.flush();
          if (replies) {
            held.decrementAndGet();
          }
        }
      } catch (IOException | InterruptedException e) {
        // closed by either side
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "delaying-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(DelayingRelay::closeQuietly);
  }
}
