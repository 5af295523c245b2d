package dev.monetize.docs;

// tag::warnings[]
import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.billing.WebhookTransport;
import java.net.URI;
// end::warnings[]

/** docs/limits.md: warnings before a quota runs out, announced through a webhook. */
final class WarningsSetup {
  private WarningsSetup() {}

  static MonetizeBuilder warnings(URI url, String secret, org.slf4j.Logger log) {
    // tag::warnings[]
    // url: your webhook's URI; secret: the key its signatures are checked with; log: your SLF4J logger
    MonetizeBuilder builder = Monetize.builder()
        .quotaWarnings(75, 90, 99)                                          // default 80, 95; none: off
        .eventTransport("https://api.example.com", WebhookTransport.builder(url, secret).build())
        .eventListener(event -> log.info("{} {}", event.type(), event.data()));
    // end::warnings[]
    return builder;
  }
}
