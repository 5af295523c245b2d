package dev.monetize.cli;

import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The operator's command line, {@code java -jar monetize-cli/target/monetize.jar <command>}.
 *
 * <pre>
 * $ java -jar monetize.jar operator-key --environment live
 * mk_live_...
 * $ java -jar monetize.jar invoice --plans plans.yaml --usage usage.jsonl --customer acme --at 2026-03-15T00:00:00Z
 * $ java -jar monetize.jar what-if --plans plans.yaml --usage usage.jsonl --customer acme --at 2026-03-15T00:00:00Z --plan pro
 * </pre>
 */
@Command(name = "monetize", mixinStandardHelpOptions = true, version = "monetize 0.1.0-SNAPSHOT",
    description = "Operator commands for a service monetized with Monetize.",
    subcommands = {MonetizeCli.OperatorKey.class, BillingCommands.InvoiceCommand.class,
        BillingCommands.WhatIfCommand.class, DeadLetterCommands.class, AuditCommands.class,
        OpenApiCommands.class, LedgerCommands.class})
public final class MonetizeCli implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code (0 done, 2 a usage mistake). */
  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line against these streams; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new MonetizeCli()).setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command (see --help).");
  }

  /** A new operator credential, printed once, for {@code MonetizeBuilder.operatorKey}. */
  @Command(name = "operator-key", mixinStandardHelpOptions = true,
      description = {"Prints a new operator credential: a secret for MonetizeBuilder.operatorKey(...).",
          "Put it in your secret store and give it to every instance of the service; it is shown once and "
              + "never stored here. It manages the service (/monetize/*) and is no customer."})
  static final class OperatorKey implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-e", "--environment"}, defaultValue = "live", paramLabel = "live|test",
        description = "The key environment of the deployment (default: ${DEFAULT-VALUE}).")
    KeyEnvironment environment;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(ApiKeys.newSecret(environment, new SecureRandom()));
      return 0;
    }
  }
}
