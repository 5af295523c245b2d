package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The documented start-up contract of every variant, checked on a separate JVM: {@code PORT} is honoured, one
 * {@code demo key <plan>: <secret>} line per plan, then {@code listening on <port>}.
 */
public abstract class MainContract {
  /** The class whose main method starts the variant. */
  protected abstract Class<?> mainClass();

  @Test
  public void printsDemoKeysThenListensOnPort() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        mainClass().getName());
    pb.environment().put("PORT", "0");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("listening on ")) {
          break;
        }
      }
      assertThat(lines).hasSize(5);
      Pattern demo = Pattern.compile("demo key (free|pro|enterprise|admin): (mk_test_[0-9A-Za-z]{28})");
      List<String> plans = new ArrayList<>();
      String proKey = null;
      for (String l : lines.subList(0, 4)) {
        Matcher m = demo.matcher(l);
        assertThat(m.matches()).as(l).isTrue();
        plans.add(m.group(1));
        if (m.group(1).equals("pro")) {
          proKey = m.group(2);
        }
      }
      assertThat(plans).containsExactly("free", "pro", "enterprise", "admin");
      int port = Integer.parseInt(lines.get(4).substring("listening on ".length()));
      assertThat(port).isPositive();
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stats/summary"))
              .header("X-API-Key", proKey).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
