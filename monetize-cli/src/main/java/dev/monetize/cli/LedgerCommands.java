package dev.monetize.cli;

import dev.monetize.postgres.PostgresUsageLedger;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ledger}: maintenance of the PostgreSQL usage ledger. */
@Command(name = "ledger", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
    description = "Usage ledger commands.",
    subcommands = {LedgerCommands.CompactCommand.class})
final class LedgerCommands implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: compact.");
  }

  /**
   * {@code compact --jdbc URL --before YYYY-MM}: rolls every month before the given one up into
   * quarter-hour totals and drops its raw rows. Exits 0 naming the months compacted, 2 on bad input or a database
   * that cannot be reached.
   */
  @Command(name = "compact", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
      description = {"Rolls the raw usage rows of every month before --before into quarter-hour totals and drops "
          + "their partitions; totals, invoices and daily views stay exact for periods aligned to quarter hours.",
          "Exit 0 done (or nothing to compact), 2 the database cannot be used or bad usage."})
  static final class CompactCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--jdbc", required = true, paramLabel = "URL", description = "The ledger's PostgreSQL JDBC URL.")
    String jdbc;

    @Option(names = "--before", required = true, paramLabel = "YYYY-MM",
        description = "The first month to keep raw (UTC); at most last month.")
    String before;

    @Override
    public Integer call() {
      YearMonth month;
      try {
        month = YearMonth.parse(before);
      } catch (DateTimeParseException e) {
        spec.commandLine().getErr().println("--before: expected a month such as 2026-01, got " + before);
        return 2;
      }
      if (!JdbcUrls.postgres(jdbc, spec.commandLine().getErr())) {
        return 2;
      }
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      List<YearMonth> done;
      try {
        ds.setURL(jdbc);
        done = new PostgresUsageLedger(ds).compactBefore(month);
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("cannot compact the ledger: " + JdbcUrls.reason(e, jdbc));
        return 2;
      }
      spec.commandLine().getOut().println(done.isEmpty() ? "nothing to compact before " + month
          : "compacted " + done.size() + " months: " + String.join(", ", done.stream().map(YearMonth::toString).toList()));
      return 0;
    }

  }
}
