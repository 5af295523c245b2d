package dev.monetize.examples.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real server, to cut the network between a client and it: {@link #cut()}
 * closes every relayed connection and refuses new ones, as a failover or a cable pulled would.
 */
final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  /** Relays connections made to {@link #port()} to {@code targetPort} on the loopback address. */
  TcpRelay(int targetPort) throws IOException {
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
          pump(client, server);
          pump(server, client);
        } catch (IOException e) {
          // the listener closed, or one connection failed: the others go on
        }
      }
    }, "tcp-relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // cut, or closed by either side
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Closes every relayed connection; new ones are accepted and closed at once. */
  void cut() {
    cut = true;
    open.forEach(TcpRelay::closeQuietly);
    open.clear();
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
    cut();
    listener.close();
  }
}
