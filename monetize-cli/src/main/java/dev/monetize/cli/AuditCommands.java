package dev.monetize.cli;

import dev.monetize.audit.AuditVerifier;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit}: checks exported audit trails. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit trail commands.",
    subcommands = {AuditCommands.VerifyCommand.class})
final class AuditCommands implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: verify.");
  }

  /**
   * {@code verify --file EXPORT.jsonl}: checks every chain of an export ({@code GET /monetize/audit/export});
   * exits 0 when all verify, 1 naming the first event that does not.
   */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Checks the hash chains of an audit export (JSON lines); exit 1 names the first event that fails.")
  static final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "EXPORT.jsonl", description = "The export to check.")
    Path file;

    @Override
    public Integer call() throws Exception {
      Optional<String> problem;
      long lines;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        problem = AuditVerifier.verify(in);
      } catch (NoSuchFileException e) {
        spec.commandLine().getErr().println(file + ": no such file");
        return 2;
      }
      try (var all = Files.lines(file, StandardCharsets.UTF_8)) {
        lines = all.filter(l -> !l.isBlank()).count();
      }
      if (problem.isPresent()) {
        spec.commandLine().getErr().println("does not verify: " + problem.get());
        return 1;
      }
      spec.commandLine().getOut().println("verified: " + lines + " events, every chain intact");
      return 0;
    }
  }
}
