package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies announced and never sent hold no thread: on a server of a few threads whose connections wait
 * for minutes, more such requests than it has threads leave it answering everyone else; bodies of
 * any size and framing still reach a servlet that reads them with blocking reads, byte for byte.
 */
class GatheredBodiesTest {
  private Server server;
  private int port;
  /** Every buffer the server takes and has not given back. */
  private final org.eclipse.jetty.io.ArrayByteBufferPool.Tracking buffers =
      new org.eclipse.jetty.io.ArrayByteBufferPool.Tracking();

  @BeforeEach
  void start() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(12, 4);
    threads.setReservedThreads(0);
    server = new Server(threads, null, buffers);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setIdleTimeout(300_000); // a silent client would hold a reading thread for five minutes
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        try {
          body = req.getInputStream().readAllBytes(); // blocking, as servlets read
        } catch (IOException e) { // the body was cut off: what the filter answers 400 or 408
          resp.sendError(408);
          return;
        }
        long sum = 0;
        for (byte b : body) {
          sum += b & 0xff;
        }
        resp.setContentType("text/plain");
        resp.getWriter().print(body.length + " " + sum);
      }
    }), "/echo");
    DemoService.serve(server, context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private String post(String head, byte[] body) throws IOException, InterruptedException {
    return post(head, body, body.length);
  }

  /** Sends the body's first {@code first} bytes, then (after a short pause) the rest. */
  private String post(String head, byte[] body, int first) throws IOException, InterruptedException {
    return post(head, body, first, 300);
  }

  /** Sends the body's first {@code first} bytes, then after {@code pauseMillis} the rest. */
  private String post(String head, byte[] body, int first, long pauseMillis) throws IOException, InterruptedException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, 0, first);
      out.flush();
      if (first < body.length) {
        // the server has gathered what came and waits for more: the rest reaches it through Jetty's callback
        Thread.sleep(pauseMillis);
        out.write(body, first, body.length - first);
        out.flush();
      }
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void silentBodiesHoldNoThreadAndEveryBodyArrivesWhole() throws Exception {
    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 30; i++) { // more than the server has threads: each announces 10 bytes, sends 0 or 2
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n" + (i % 2 == 0 ? "" : "ab"))
            .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        silent.add(s);
      }
      byte[] small = "hello".getBytes(StandardCharsets.ISO_8859_1);
      assertThat(post("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\n", small))
          .startsWith("HTTP/1.1 200").endsWith("5 532");
      byte[] large = new byte[300_000]; // past what is gathered: handed over, then read on
      for (int i = 0; i < large.length; i++) {
        large[i] = (byte) (i * 31);
      }
      long sum = 0;
      for (byte b : large) {
        sum += b & 0xff;
      }
      assertThat(post("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + large.length
          + "\r\n\r\n", large)).startsWith("HTTP/1.1 200").endsWith(large.length + " " + sum);
      for (int first : new int[] {1_000, 70_000}) { // the gathering, or the application's own reads, waits for the rest
        assertThat(post("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + large.length
            + "\r\n\r\n", large, first)).as("first %d bytes, then the rest", first).startsWith("HTTP/1.1 200")
            .endsWith(large.length + " " + sum);
      }
      String chunked = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
      assertThat(post("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
          chunked.getBytes(StandardCharsets.ISO_8859_1))).startsWith("HTTP/1.1 200").endsWith("5 495");
    } finally {
      for (Socket s : silent) {
        s.close();
      }
    }
  }

  /**
   * A body announced and never sent (or stopped short) is handed to the application as cut off once
   * nothing came for {@link DemoService#BODY_SILENCE_MILLIS}, not after the connection's idle timeout
   * (five minutes here): a caller without a key gets its 401 then, one past the size its 413.
   */
  @Test
  void aBodyAnnouncedAndNeverSentIsCutOffAfterItsSilenceNotTheIdleTimeout() throws Exception {
    for (String sent : new String[] {"", "ab"}) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(60_000); // far below the connection's idle timeout: without the cut-off, this read fails
        s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n" + sent)
            .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
        assertThat(head).as("after '%s'", sent).isEqualTo("HTTP/1.1 408");
      }
    }
    // the connection's own idle timeout is back once the gathering handed over: the application reading
    // on past what was gathered waits longer than the silence for the rest (fast enough for the rate)
    byte[] large = new byte[100_000];
    assertThat(post("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + large.length
        + "\r\n\r\n", large, 70_000, DemoService.BODY_SILENCE_MILLIS + 1_500)).startsWith("HTTP/1.1 200")
        .endsWith(large.length + " 0");
  }

  @Test
  void aBodySentAByteAtATimeHoldsItsBytesNotABufferPerPacket() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2000\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      for (int i = 0; i < 1_000; i++) { // half the body, a packet per byte, as a slow client sends it
        out.write('a');
        out.flush();
        if (i % 5 == 0) {
          Thread.sleep(2); // so that the server reads them as they come, a few bytes per read
        }
      }
      // whatever the server has read of it so far, it holds as bytes: no more buffers than a connection uses
      org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(300)).atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(buffers.getLeaks()).hasSizeLessThanOrEqualTo(4));
      out.write("b".repeat(1_000).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("2000 " + (1_000 * 97 + 1_000 * 98));
    }
  }

  @Test
  void aBodyGatheredSlowerThanTheMinimumRateIsCutOff() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1000\r\n\r\n[".getBytes(
          StandardCharsets.ISO_8859_1));
      out.flush();
      Thread.sleep(1_500); // a byte, then one more after a second and a half: far below 256 bytes a second
      out.write('{');
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 408"); // cut off while gathered, not held until the idle timeout
    }
  }
}
