package dev.monetize.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.DeadLetterStore;
import dev.monetize.billing.StripeTransport;
import dev.monetize.billing.UsageExport;
import dev.monetize.billing.WebhookTransport;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dead-letters list|replay}: usage events a billing provider did not take, kept in a directory. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
    description = "Lists or replays the usage events a billing provider did not take (DeadLetterStore.inDirectory).",
    subcommands = {DeadLetterCommands.ListCommand.class, DeadLetterCommands.ReplayCommand.class})
final class DeadLetterCommands implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: list or replay.");
  }

  /**
   * The store in {@code dir}, which this process must be able to read (an unreadable one would list as
   * empty) and, to replay, to write (checked before anything is sent: a replay that could not forget
   * what it delivered would send it again on every run).
   */
  static DeadLetterStore store(Path dir, boolean write) {
    if (!Files.exists(dir)) {
      throw new UsageFile.BadInput(dir + ": no such directory (the directory given to DeadLetterStore.inDirectory)");
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageFile.BadInput(dir + ": not a directory");
    }
    if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      throw new UsageFile.BadInput(dir + ": permission denied (cannot list the dead letters)");
    }
    if (write && !Files.isWritable(dir)) {
      throw new UsageFile.BadInput(dir + ": permission denied (cannot forget the letters delivered; nothing sent)");
    }
    return DeadLetterStore.inDirectory(dir);
  }

  /** {@code list}: one JSON line per dead letter, oldest first. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
    description = {"Prints the dead letters, one JSON line each.",
        "Exit 0 done, 1 the directory cannot be read, 2 bad usage."})
  static final class ListCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The dead letters' directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
      return BillingCommands.guarded(spec.commandLine(), () -> {
        for (UsageExport.DeadLetter d : store(dir, false).list(Integer.MAX_VALUE)) {
          ObjectNode n = JSON.createObjectNode().put("id", d.id()).put("reason", d.reason()).put("event", d.event());
          spec.commandLine().getOut().println(JSON.writeValueAsString(n));
        }
        return 0;
      });
    }
  }

  /** Where a replay sends: a webhook or Stripe. */
  static final class Target {
    @Option(names = "--webhook", paramLabel = "URL", description = "The webhook the events go to (CloudEvents batches).")
    URI webhook;

    @Option(names = "--stripe", description = "Send to Stripe's meter events endpoint.")
    boolean stripe;
  }

  /** {@code replay}: sends the dead letters again; the delivered ones are forgotten. */
  @Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
      description = {"Sends the dead letters again and forgets those delivered; prints how many were delivered, how "
          + "many of the form failed again and how many are left.",
          "Exit 0 all delivered, 1 bad input (the directory, the secret), 2 bad usage, 3 some could not be delivered.",
          "The webhook secret or Stripe key is read from the environment variable named by --secret-env."})
  static final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The dead letters' directory.")
    Path dir;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--secret-env", required = true, paramLabel = "NAME",
        description = "The environment variable holding the webhook signing secret or the Stripe API key.")
    String secretEnv;

    @Option(names = "--url", paramLabel = "URL", description = "Another Stripe endpoint (a mock).")
    URI url;

    @Option(names = "--allow-private-networks", description = "Allow loopback and private addresses and plain http.")
    boolean allowPrivate;

    @Override
    public Integer call() throws Exception {
      return BillingCommands.guarded(spec.commandLine(), () -> {
        if (url != null && !target.stripe) {
          throw new UsageFile.BadInput("--url: another Stripe endpoint, only with --stripe (the webhook is --webhook's URL)");
        }
        DeadLetterStore store = store(dir, true);
        String secret = System.getenv(secretEnv);
        if (secret == null || secret.isBlank()) {
          throw new UsageFile.BadInput("--secret-env: the environment variable " + secretEnv + " is not set");
        }
        UsageExport.Transport transport;
        if (target.stripe) {
          StripeTransport.Builder b = StripeTransport.builder(secret).allowPrivateNetworks(allowPrivate);
          transport = (url == null ? b : b.url(url)).build();
        } else {
          transport = WebhookTransport.builder(target.webhook, secret).allowPrivateNetworks(allowPrivate).build();
        }
        java.util.Optional<String> refused = transport.refusal();
        if (refused.isPresent()) { // every letter would fail the same way and lose its reason: none is sent
          throw new UsageFile.BadInput((target.stripe ? "--url" : "--webhook") + ": " + refused.get()
              + "; pass --allow-private-networks to deliver there. No letter was sent.");
        }
        UsageExport.Replayed r = UsageExport.replayAll(store, transport,
            target.stripe ? UsageExport.Format.STRIPE : UsageExport.Format.CLOUD_EVENTS);
        int failed = r.failed();
        ObjectNode n = JSON.createObjectNode().put("delivered", r.delivered()).put("failed", failed).put("dead", r.left());
        spec.commandLine().getOut().println(JSON.writeValueAsString(n));
        if (failed > 0) {
          spec.commandLine().getErr().println("monetize: " + failed + " letter(s) could not be delivered; see their "
              + "reasons with dead-letters list");
          return 3;
        }
        return 0;
      });
    }
  }
}
