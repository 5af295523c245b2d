package dev.monetize.docs;

// tag::delivery[]
import dev.monetize.billing.DeadLetterStore;
import dev.monetize.billing.StripeTransport;
import dev.monetize.billing.UsageExport;
import dev.monetize.billing.WebhookTransport;
import java.net.URI;
import java.nio.file.Path;
// end::delivery[]

/** docs/billing.md: usage delivered to a webhook and to Stripe, dead letters kept on disk. */
final class DeliverySetup {
  private DeliverySetup() {}

  static String stripeCustomerOf(String customerId) {
    return "cus_" + customerId;
  }

  static UsageExport[] exports() {
    // tag::delivery[]
    // one directory per export: a replay sends only its own export's letters, and each gets its turn
    DeadLetterStore webhookLetters = DeadLetterStore.inDirectory(Path.of("/var/lib/monetize/dead-letters/webhook"));
    DeadLetterStore stripeLetters = DeadLetterStore.inDirectory(Path.of("/var/lib/monetize/dead-letters/stripe"));
    UsageExport webhook = UsageExport.cloudEvents("https://api.example.com",
        WebhookTransport.builder(URI.create("https://billing.example.com/usage"), System.getenv("WEBHOOK_SECRET"))
            .allowedHosts("billing.example.com").build(),
        webhookLetters);
    UsageExport stripe = UsageExport.stripe(ourId -> stripeCustomerOf(ourId),
        StripeTransport.builder(System.getenv("STRIPE_SECRET_KEY")).build(), stripeLetters);
    // end::delivery[]
    return new UsageExport[] {webhook, stripe};
  }
}
