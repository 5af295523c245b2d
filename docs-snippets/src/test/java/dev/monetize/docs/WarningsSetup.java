package dev.monetize.docs;

import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.billing.WebhookTransport;
import java.net.URI;

/** docs/limits.md: warnings before a quota runs out, announced through a webhook. */
final class WarningsSetup {
  private WarningsSetup() {}

  static MonetizeBuilder warnings(URI url, String secret, org.slf4j.Logger log) {
    // tag::warnings[]
    MonetizeBuilder builder = Monetize.builder()
        .quotaWarnings(75, 90, 99)                                          // default 80, 95; none: off
        .eventTransport("https://api.example.com", WebhookTransport.builder(url, secret).build())
        .eventListener(event -> log.info("{} {}", event.type(), event.data()));
    // end::warnings[]
    return builder;
  }
}
