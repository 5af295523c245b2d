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
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
    description = "Audit trail commands.",
    subcommands = {AuditCommands.VerifyCommand.class})
final class AuditCommands implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: verify.");
  }

  /**
   * {@code verify --file EXPORT.jsonl} checks every chain of an export ({@code GET /monetize/audit/export});
   * {@code verify --jdbc URL} every chain of a PostgreSQL audit table. Exits 0 when all verify, 1
   * naming the first event that does not, 2 when the input cannot be read.
   */
  @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
      description = {"Checks the hash chains of an audit export (JSON lines) or database.",
          "Exit 0 every chain intact, 1 a chain broken (the first event that fails is named), 2 the input cannot be "
              + "read or bad usage."})
  static final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** An export file or a database: one of them. */
    static final class Source {
      @Option(names = "--file", required = true, paramLabel = "EXPORT.jsonl", description = "The export to check.")
      Path file;

      @Option(names = "--jdbc", required = true, paramLabel = "URL",
          description = "A PostgreSQL JDBC URL: checks every chain of its audit table (read only).")
      String jdbc;
    }

    @Override
    public Integer call() throws Exception {
      return source.jdbc != null ? database(source.jdbc) : file(source.file);
    }

    private Integer database(String url) {
      if (!JdbcUrls.postgres(url, spec.commandLine().getErr())) {
        return 2;
      }
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      Optional<String> problem;
      try {
        ds.setURL(url);
        ds.setReadOnly(true);
        problem = new dev.monetize.postgres.PostgresAuditStore(ds).verify();
      } catch (java.sql.SQLException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("cannot read the audit trail: " + JdbcUrls.reason(e, url));
        return 2;
      }
      if (problem.isPresent()) {
        spec.commandLine().getErr().println("does not verify: " + problem.get());
        return 1;
      }
      spec.commandLine().getOut().println("verified: every chain in the database intact");
      return 0;
    }


    private Integer file(Path file) throws Exception {
      Optional<String> problem;
      long lines;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        problem = AuditVerifier.verify(in);
      } catch (NoSuchFileException e) {
        spec.commandLine().getErr().println(file + ": no such file");
        return 2;
      } catch (java.io.IOException | java.io.UncheckedIOException e) { // a directory, no permission, not UTF-8
        spec.commandLine().getErr().println(file + ": cannot be read (" + (Files.isDirectory(file) ? "a directory"
            : BillingCommands.ioProblem(e)) + ")");
        return 2;
      }
      try (var all = Files.lines(file, StandardCharsets.UTF_8)) {
        lines = all.filter(l -> !l.isBlank()).count();
      } catch (java.io.UncheckedIOException e) {
        spec.commandLine().getErr().println(file + ": cannot be read (" + BillingCommands.ioProblem(e) + ")");
        return 2;
      }
      if (problem.isPresent()) {
        spec.commandLine().getErr().println("does not verify: " + problem.get());
        return 1;
      }
      spec.commandLine().getOut().println("verified: " + lines + " events, every chain intact");
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String late : AuditVerifier.runsBegunLate(in)) { // narrowed with from, or its first events removed
          spec.commandLine().getOut().println("note: " + late + " (an export narrowed with from, or removed)");
        }
      } catch (java.io.IOException | java.io.UncheckedIOException e) { // changed since it was verified
        spec.commandLine().getErr().println(file + ": cannot be read (" + BillingCommands.ioProblem(e) + ")");
        return 2;
      }
      return 0;
    }
  }
}
