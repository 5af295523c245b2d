package dev.monetize.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.PlanChange;
import dev.monetize.config.CatalogLoader;
import dev.monetize.config.ConfigException;
import dev.monetize.plans.Catalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code invoice} and {@code what-if}: a customer's invoice rated from a plans file and a file of usage lines. */
final class BillingCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BillingCommands() {}

  /** The inputs both commands read. */
  static final class Inputs {
    @Option(names = "--plans", required = true, paramLabel = "PLANS", description = "The plans file (YAML or JSON).")
    Path plans;

    @Option(names = "--usage", required = true, paramLabel = "USAGE.jsonl",
        description = "Usage lines, one JSON object each: customer, plan_change and usage lines.")
    Path usage;

    @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer to invoice.")
    String customer;

    @Option(names = "--at", required = true, paramLabel = "INSTANT", converter = InstantConverter.class,
        description = "An instant in the billing period to invoice, e.g. 2026-03-15T00:00:00Z.")
    Instant at;

    /** The draft invoice of the period containing {@code at}, under the file's plans or, if given, {@code plan} throughout. */
    Invoice invoice(Catalog catalog, UsageFile file, Optional<String> plan) {
      UsageFile.Account account = file.account(customer);
      Instant start = Invoicing.periodStart(account.anchor(), at);
      Instant end = Invoicing.periodEnd(account.anchor(), at);
      if (!account.since().isBefore(end)) {
        throw new UsageFile.BadInput(usage + ": customer '" + customer + "' starts on " + account.since()
            + ", after the billing period " + start + " to " + end);
      }
      List<PlanChange> changes = plan.isPresent()
          ? List.of(new PlanChange(customer, plan.get(), account.since()))
          : file.planChanges(customer, start, end);
      return Invoicing.draft(catalog, customer, account.anchor(), at, changes, file.totals())
          .orElseThrow(() -> new UsageFile.BadInput(plans + ": nothing billed to '" + customer + "' in the period "
              + start + " to " + end + " has a price or a currency"));
    }
  }

  /** Reads an ISO-8601 instant, or says what one looks like. */
  static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      Instant at;
      try {
        at = Instant.parse(value);
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not an instant; write it in UTC with a "
            + "time, such as 2026-03-15T00:00:00Z");
      }
      if (at.isBefore(Instant.EPOCH) || !at.isBefore(Instant.parse("+10000-01-01T00:00:00Z"))) { // as usage instants
        throw new CommandLine.TypeConversionException("'" + value + "' is outside the years 1970 to 9999");
      }
      return at;
    }
  }

  /** Runs {@code body}; bad input is exit 1 with the message on standard error. */
  static int guarded(CommandLine cmd, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (UsageFile.BadInput | ConfigException | IllegalArgumentException | IllegalStateException
        | ArithmeticException // usage that adds up past what can be billed exactly
        | java.time.DateTimeException e) { // an instant past the calendar's years (+1000000000-01-01...)
      cmd.getErr().println("monetize: " + e.getMessage());
      return 1;
    } catch (java.io.UncheckedIOException e) { // a file that cannot be read or parsed: its message names it
      Throwable cause = e.getCause();
      String why = cause instanceof com.fasterxml.jackson.core.JsonProcessingException j
          ? "not JSON lines: " + j.getOriginalMessage() : ioProblem(cause);
      cmd.getErr().println("monetize: " + e.getMessage() + " (" + why + ")");
      return 1;
    }
  }

  /** What went wrong reading or writing a file, in words (the JDK's exceptions name only the path). */
  static String ioProblem(Throwable cause) {
    if (cause instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      return ioProblem(u.getCause());
    }
    if (cause instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (cause instanceof java.nio.file.NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (cause instanceof java.nio.file.AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (cause instanceof java.nio.file.NotDirectoryException f) {
      return "not a directory: " + f.getFile();
    }
    if (cause instanceof java.nio.file.FileSystemException f) {
      return f.getReason() == null ? "cannot use " + f.getFile() : f.getReason() + ": " + f.getFile();
    }
    return cause.getMessage() == null ? "cannot read or write the file" : cause.getMessage();
  }

  static Catalog catalog(Path plans) {
    return CatalogLoader.load(plans);
  }

  static ObjectNode tree(Invoice invoice) throws IOException {
    return (ObjectNode) JSON.readTree(invoice.json());
  }

  static void print(CommandLine cmd, Object tree) throws IOException {
    cmd.getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
  }

  /** {@code invoice}: the customer's invoice of the period containing the instant, as JSON. */
  @Command(name = "invoice", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
      description = {"Prints a customer's invoice (JSON) of the billing period containing --at, rated from the plans "
          + "file and the usage lines.", "Exit 0 done, 1 bad input (the message names the file, line and field), "
          + "2 bad usage."})
  static final class InvoiceCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Inputs inputs;

    @Override
    public Integer call() throws Exception {
      return guarded(spec.commandLine(), () -> {
        Catalog catalog = catalog(inputs.plans);
        UsageFile file = UsageFile.read(inputs.usage, catalog);
        file.warnings().forEach(w -> spec.commandLine().getErr().println("monetize: warning: " + w));
        print(spec.commandLine(), tree(inputs.invoice(catalog, file, Optional.empty())));
        return 0;
      });
    }
  }

  /** {@code what-if}: the invoice under the real plans and under a candidate plan, with the difference. */
  @Command(name = "what-if", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
      description = {"Prints a customer's invoice of the period containing --at under its real plans and under "
          + "--plan for the whole period, with the difference (candidate total - actual total).",
          "Exit 0 done, 1 bad input, 2 bad usage."})
  static final class WhatIfCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Inputs inputs;

    @Option(names = "--plan", required = true, paramLabel = "CANDIDATE", description = "The plan to compare with.")
    String plan;

    @Override
    public Integer call() throws Exception {
      return guarded(spec.commandLine(), () -> {
        Catalog catalog = catalog(inputs.plans);
        if (catalog.plan(plan).isEmpty()) {
          throw new UsageFile.BadInput(inputs.plans + ": --plan '" + plan + "' is not a plan (plans: "
              + catalog.plans().stream().map(p -> p.name()).toList() + ")");
        }
        UsageFile file = UsageFile.read(inputs.usage, catalog);
        file.warnings().forEach(w -> spec.commandLine().getErr().println("monetize: warning: " + w));
        Invoice actual = inputs.invoice(catalog, file, Optional.empty());
        Invoice candidate = inputs.invoice(catalog, file, Optional.of(plan));
        if (!actual.currency().equals(candidate.currency())) {
          throw new UsageFile.BadInput(inputs.plans + ": plan '" + plan + "' bills in " + candidate.currency()
              + ", the customer's plans in " + actual.currency() + "; the two cannot be compared");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("customer_id", inputs.customer);
        out.put("plan", plan);
        out.set("actual", tree(actual));
        out.set("candidate", tree(candidate));
        out.put("difference", candidate.total().subtract(actual.total()).toPlainString());
        print(spec.commandLine(), out);
        return 0;
      });
    }
  }
}
