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
@Command(name = "monetize", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
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

  /**
   * Runs the command line against these streams; returns the exit code. No argument is read from a file
   * ({@code @file}: an id may start with {@code @}, and a file's contents would show in errors); an
   * output that could not be written (a full disk, a closed pipe) fails the run; a failure the commands
   * did not foresee, running out of memory included, is one line, never a stack trace.
   */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new MonetizeCli()).setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true)
        .setExpandAtFiles(false)
        .setExecutionExceptionHandler((e, line, parsed) -> {
          err.println("monetize: " + line.getCommandName() + " failed: " + e);
          return 1;
        });
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("monetize: out of memory reading the input; give the JVM more (java -Xmx4g -jar monetize.jar ...)");
      return 1;
    }
    if (out.checkError()) { // the writer swallows write failures: asked once, at the end
      err.println("monetize: the output could not be written (a full disk, or a closed pipe)");
      return code == 0 ? 1 : code;
    }
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command (see --help).");
  }

  /** The version every command prints with {@code -V} (each command has the option). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"monetize 0.1.0-SNAPSHOT"};
    }
  }

  /** A new operator credential, printed once, for {@code MonetizeBuilder.operatorKey}. */
  @Command(name = "operator-key", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
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
