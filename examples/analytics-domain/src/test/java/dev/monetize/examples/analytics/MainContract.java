package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    try (ExampleProcess p = ExampleProcess.start(mainClass(), Map.of("PORT", "0"))) {
      List<String> lines = p.startLines();
      assertThat(lines).hasSize(5);
      Pattern demo = Pattern.compile("demo key (free|pro|enterprise|admin): (mk_test_[0-9A-Za-z]{28})");
      List<String> plans = new ArrayList<>();
      for (String l : lines.subList(0, 4)) {
        Matcher m = demo.matcher(l);
        assertThat(m.matches()).as(l).isTrue();
        plans.add(m.group(1));
      }
      assertThat(plans).containsExactly("free", "pro", "enterprise", "admin");
      // the service's own lines, nothing else: no warning of the container or the library on the way
      assertThat(p.stderr()).as("standard error up to listening").isEmpty();
      assertThat(p.port()).isPositive();
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + "/v1/stats/summary"))
              .header("X-API-Key", p.demoKey("pro")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }
}
