package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The examples' minimum rate for request bodies cuts off a body that comes slowly, never one that came
 * whole and is read late by a busy application (Jetty's own minimum data rate, counted from the first
 * byte read on every read, cut off a 40-byte body whose reader was descheduled for 160 ms between reads). The subject is the wall
 * clock: the pauses are the client's and the application's.
 */
class BodyRateTest {
  private Server server;

  /** A server as the examples run (or with {@code gathered} bytes gathered), whose servlet pauses {@code delayMs} after a body's first byte. */
  private int start(long delayMs, int gathered) throws Exception {
    server = new Server();
    ServerConnector connector = DemoService.jetty(server, 0);
    connector.setHost("127.0.0.1");
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int length;
        try {
          int first = req.getInputStream().read();
          try {
            Thread.sleep(delayMs); // a busy moment (the thread descheduled) between two reads of the body
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          length = (first < 0 ? 0 : 1) + req.getInputStream().readAllBytes().length;
        } catch (IOException e) {
          resp.sendError(408);
          return;
        }
        resp.setContentType("text/plain");
        resp.getWriter().print(length);
      }
    }), "/echo");
    if (gathered > 0) {
      server.setHandler(new GatheredBodies(context, gathered, DemoService.MIN_REQUEST_BYTES_PER_SECOND,
          DemoService.BODY_SILENCE_MILLIS));
    } else {
      DemoService.serve(server, context);
    }
    server.start();
    return connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private static String post(int port, int announced, byte[] first, long pauseMs, byte[] rest) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000); // an answer only after Jetty's idle timeout (30 s) would be no cut-off of ours
      OutputStream out = s.getOutputStream();
      out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + announced + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(first);
      out.flush();
      if (rest.length > 0) {
        Thread.sleep(pauseMs);
        out.write(rest);
        out.flush();
      }
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aSmallBodyThatCameWholeIsReadWholeHoweverLateTheApplicationReadsIt() throws Exception {
    int port = start(600, 0);
    String answer = post(port, 40, "x".repeat(40).getBytes(StandardCharsets.US_ASCII), 0, new byte[0]);
    assertThat(answer).startsWith("HTTP/1.1 200").endsWith("40");
  }

  @Test
  void theRestOfABodyPastWhatIsGatheredIsCutOffWhenItComesSlowerThanTheRate() throws Exception {
    int port = start(0, 10);
    // 11 bytes at once (the 10 gathered and one more), then a byte after a second and a half: the
    // application, reading on, waits for a body far below 256 bytes a second
    String answer = post(port, 1_000, "x".repeat(11).getBytes(StandardCharsets.US_ASCII), 1_500,
        new byte[] {'y'});
    assertThat(answer).startsWith("HTTP/1.1 408");
    // the same rest sent at once is read whole
    stop();
    port = start(0, 10);
    assertThat(post(port, 12, "x".repeat(11).getBytes(StandardCharsets.US_ASCII), 0, new byte[] {'y'}))
        .startsWith("HTTP/1.1 200").endsWith("12");
  }
}
