package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.keys.IssuedKey;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multipart bodies the container reads itself, past the filter's counting stream (a servlet with a
 * multipart configuration): counted as {@code bytes_in} whether the endpoint reads parts or
 * parameters, and never the parameters of a method that reads no body.
 */
class MultipartBodiesTest {
  private static final String BOUNDARY = "XYZ";
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private FilteredJetty jetty;
  private Monetize monetize;
  private String base;
  private String key;

  @BeforeEach
  void start() throws Exception {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(10_000)).build())
        .operation(Operation.builder("note.read", "GET", "/note").build())
        .operation(Operation.builder("note.write", "POST", "/note").build())
        .operation(Operation.builder("upload", "POST", "/upload").build())
        .build();
    monetize = Monetize.builder().catalog(catalog).usageSink(usage).auditSink(AuditSink.inMemory()).build();
    monetize.customers().save(Customer.of("acme", "basic"));
    IssuedKey k = monetize.keys().issue("acme", Set.of("*"));
    key = k.secret();
    ServletHolder note = new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().print("note=" + req.getParameter("note"));
      }

      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().print("note=" + req.getParameter("note"));
      }
    });
    note.getRegistration().setMultipartConfig(new MultipartConfigElement(""));
    ServletHolder upload = new ServletHolder(new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
          resp.getWriter().print("parts=" + req.getParts().size());
        } catch (jakarta.servlet.ServletException e) {
          throw new IOException(e);
        }
      }
    });
    upload.getRegistration().setMultipartConfig(new MultipartConfigElement(""));
    jetty = FilteredJetty.startHolders(new MonetizeFilter(monetize, UnmatchedRoutes.NOT_FOUND),
        java.util.Map.of("/note", note, "/upload", upload));
    base = jetty.base();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.close();
    monetize.close();
  }

  private static String form(String field, String value) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n--"
        + BOUNDARY + "--\r\n";
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private long bytesIn(String operation) {
    monetize.flushUsage();
    return usage.records().stream().filter(r -> r.operationId().equals(operation))
        .mapToLong(dev.monetize.metering.UsageRecord::bytesIn).sum();
  }

  @Test
  void aGetsParametersAreItsQueryStringsEvenWithAMultipartBody() throws Exception {
    HttpResponse<String> r = send("GET", "/note?other=1", form("note", "from-the-body"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("note=null");
    assertThat(send("GET", "/note?note=from-the-query", form("note", "from-the-body")).body())
        .isEqualTo("note=from-the-query");
    assertThat(bytesIn("note.read")).isZero();
  }

  @Test
  void aMultipartBodyReadForParametersOrPartsIsMeteredAsBytesIn() throws Exception {
    String body = form("note", "x".repeat(2_000));
    HttpResponse<String> viaParameter = send("POST", "/note", body);
    assertThat(viaParameter.body()).isEqualTo("note=" + "x".repeat(2_000));
    assertThat(bytesIn("note.write")).isEqualTo(body.length());
    HttpResponse<String> viaParts = send("POST", "/upload", body);
    assertThat(viaParts.body()).isEqualTo("parts=1");
    assertThat(bytesIn("upload")).isEqualTo(body.length());
  }
}
