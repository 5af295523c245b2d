package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.TestApplication;
import dev.monetize.Monetize;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Under a servlet path ({@code spring.mvc.servlet.path}): what is served where. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"monetize.use-redis=false", "monetize.use-data-source=false", "monetize.environment=test",
        "spring.mvc.servlet.path=/api", "monetize.pass-through=/admin",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
class ServletPathTest {
  @LocalServerPort
  int port;
  @Autowired
  Monetize monetize;

  /**
   * Only paths under the dispatcher servlet reach any filter: the management API moves under it, as
   * annotated handlers do; a plans-file route outside it is never served (and the start says so).
   */
  @Test
  void theManagementApiAndAnnotatedRoutesAreUnderTheServletPath() throws Exception {
    monetize.customers().save(new Customer("acme", "pro", BillingAnchor.DEFAULT, "acme"));
    String key = monetize.keys().issue("acme", java.util.Set.of("hello:read")).secret();
    assertThat(monetize.managementPrefix()).isEqualTo("/api/monetize");
    HttpResponse<String> usage = Http.get(port, "/api/monetize/usage", key);
    assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
    assertThat(usage.body()).contains("\"customer_id\":\"acme\"");
    assertThat(Http.get(port, "/api/v1/reports/x", key).body()).contains("\"report\":\"x\"");
  }
}
