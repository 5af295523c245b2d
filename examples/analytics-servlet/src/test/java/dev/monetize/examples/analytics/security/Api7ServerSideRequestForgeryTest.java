package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * OWASP API7: nothing in the API fetches a URL a caller supplies (no webhooks or callbacks yet, see
 * docs/security.md); a URL field anywhere is refused, never stored for later use.
 */
class Api7ServerSideRequestForgeryTest extends OwaspSuite {
  @Test
  void noEndpointAcceptsAUrlToCall() {
    String url = "\"http://169.254.169.254/latest/meta-data\"";
    String[][] attempts = {
        {"/monetize/organizations", "{\"name\":\"x\",\"plan\":\"pro\",\"webhook_url\":" + url + "}"},
        {"/monetize/keys", "{\"organization_id\":\"demo-pro\",\"scopes\":[\"stats:read\"],\"callback_url\":" + url + "}"},
        {"/monetize/credits", "{\"customer_id\":\"demo-pro\",\"amount\":\"1\",\"notify_url\":" + url + "}"},
        {"/monetize/projects", "{\"organization_id\":\"demo-pro\",\"name\":\"p\",\"url\":" + url + "}"}};
    for (String[] a : attempts) {
      ExampleUnderTest.Answer answer = app.bearer("POST", a[0], admin(), a[1]);
      assertThat(answer.status()).as(a[0]).isEqualTo(400);
      assertThat(answer.body()).contains("Unknown field");
    }
  }
}
