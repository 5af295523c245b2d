package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.management.ManagementOperation;
import dev.monetize.plans.Operation;
import org.junit.jupiter.api.Test;

/**
 * OWASP API9: what the service exposes is known and published: every management route is a row of
 * the authority table (and nothing else answers under /monetize), and the OpenAPI document lists
 * every monetized route. Versions with deprecation and sunset headers come with the versioning work.
 */
class Api9ImproperInventoryManagementTest extends OwaspSuite {
  @Test
  void onlyTheTablesRoutesExistUnderTheManagementPrefix() {
    for (String path : new String[] {"/monetize/admin", "/monetize/keys/x/delete", "/monetize/debug", "/monetize"}) {
      assertThat(app.bearer("GET", path, admin(), null).status()).as(path).isEqualTo(404);
    }
    for (ManagementOperation op : ManagementOperation.values()) {
      String path = "/monetize" + op.path().replaceAll("\\{[a-z]+}", "nope");
      int status = app.bearer(op.method(), path, admin(), op.method().equals("POST") ? "{}" : null).status();
      assertThat(status).as(op.name()).isNotEqualTo(405);
      if (!op.path().contains("{")) { // a route without parameters is there; one with them names nothing here
        assertThat(status).as(op.name()).isNotEqualTo(404);
      }
    }
  }

  @Test
  void theOpenApiDocumentListsEveryMonetizedRoute() {
    String doc = app.send("GET", "/openapi.json", null, null, null).body();
    for (Operation op : app.monetize().catalog().operations()) {
      assertThat(doc).as(op.id()).contains("\"" + op.pathTemplate() + "\"");
    }
  }
}
