package dev.monetize.cli;

import io.swagger.v3.oas.models.OpenAPI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.model.ChangedOperation;
import org.openapitools.openapidiff.core.model.Endpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code openapi}: checks generated OpenAPI documents. */
@Command(name = "openapi", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
    description = "OpenAPI document commands.",
    subcommands = {OpenApiCommands.DiffCommand.class})
final class OpenApiCommands implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: diff.");
  }

  /**
   * {@code diff OLD NEW}: the breaking changes from {@code OLD} to {@code NEW} (removed operations,
   * parameters that became required, narrowed responses and requests), found by openapi-diff. Exit
   * 0 when there are none, or when {@code NEW}'s {@code info.version} has a higher major version;
   * 1 when a breaking change is not behind a new major version; 2 when a document cannot be read.
   */
  @Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = MonetizeCli.Version.class,
      description = {"Lists the breaking changes from OLD to NEW (two OpenAPI documents, JSON or YAML).",
          "Exit 0 compatible (or the major version went up), 1 breaking without a new major version, 2 bad input."})
  static final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The document clients were built against.")
    Path older;

    @Parameters(index = "1", paramLabel = "NEW", description = "The document of the build.")
    Path newer;

    @Override
    public Integer call() {
      String a;
      String b;
      try {
        a = Files.readString(older, StandardCharsets.UTF_8);
        b = Files.readString(newer, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        spec.commandLine().getErr().println(e.getFile() + ": no such file");
        return 2;
      } catch (java.io.IOException e) {
        spec.commandLine().getErr().println("cannot read: " + e.getMessage());
        return 2;
      }
      for (String[] doc : new String[][] {{older.toString(), a}, {newer.toString(), b}}) {
        Optional<String> problem = notOpenApi(doc[1]);
        if (problem.isPresent()) {
          spec.commandLine().getErr().println(doc[0] + ": not an OpenAPI document: " + problem.get());
          return 2;
        }
      }
      ChangedOpenApi diff;
      try {
        diff = OpenApiCompare.fromContents(a, b);
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("not an OpenAPI document: " + e.getMessage());
        return 2;
      }
      List<String> breaking = breaking(diff);
      int fromMajor = major(diff.getOldSpecOpenApi());
      int toMajor = major(diff.getNewSpecOpenApi());
      for (Endpoint e : diff.getNewEndpoints()) {
        spec.commandLine().getOut().println("added: " + e.getMethod() + " " + e.getPathUrl());
      }
      for (Endpoint e : diff.getDeprecatedEndpoints()) {
        spec.commandLine().getOut().println("deprecated: " + e.getMethod() + " " + e.getPathUrl());
      }
      if (breaking.isEmpty()) {
        spec.commandLine().getOut().println("compatible: no breaking change");
        return 0;
      }
      breaking.forEach(line -> spec.commandLine().getOut().println("breaking: " + line));
      if (toMajor > fromMajor) {
        spec.commandLine().getOut().println("allowed: the major version went from " + fromMajor + " to " + toMajor);
        return 0;
      }
      spec.commandLine().getErr().println(breaking.size() + " breaking change(s) without a new major version "
          + "(info.version " + version(diff.getOldSpecOpenApi()) + " -> " + version(diff.getNewSpecOpenApi())
          + "): keep the old operation beside a new version, or raise the major version");
      return 1;
    }

    private static List<String> breaking(ChangedOpenApi diff) {
      List<String> out = new ArrayList<>();
      for (Endpoint e : diff.getMissingEndpoints()) {
        out.add("removed " + e.getMethod() + " " + e.getPathUrl());
      }
      for (ChangedOperation op : diff.getChangedOperations()) {
        if (!op.isIncompatible()) {
          continue;
        }
        List<String> what = new ArrayList<>();
        if (op.getParameters() != null && op.getParameters().isIncompatible()) {
          what.add("parameters");
        }
        if (op.getRequestBody() != null && op.getRequestBody().isIncompatible()) {
          what.add("request body");
        }
        if (op.getApiResponses() != null && op.getApiResponses().isIncompatible()) {
          what.add("responses");
        }
        if (op.getSecurityRequirements() != null && op.getSecurityRequirements().isIncompatible()) {
          what.add("security");
        }
        out.add(op.getHttpMethod() + " " + op.getPathUrl() + " changed incompatibly"
            + (what.isEmpty() ? "" : " (" + String.join(", ", what) + ")"));
      }
      return out;
    }

    /** Why {@code text} is no OpenAPI document (JSON or YAML with a top-level {@code openapi} field), if so. */
    static Optional<String> notOpenApi(String text) {
      com.fasterxml.jackson.databind.JsonNode root;
      try {
        root = text.stripLeading().startsWith("{") ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(text)
            : new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                .loaderOptions(yamlWithoutSizeLimit()).build()).readTree(text);
      } catch (java.io.IOException e) {
        return Optional.of("neither JSON nor YAML");
      }
      if (root == null || !root.isObject()) {
        return Optional.of("not a JSON or YAML object");
      }
      if (!root.path("openapi").isTextual() && !root.path("swagger").isTextual()) { // 3.x, or 2.0 (converted)
        return Optional.of("no top-level 'openapi' field (such as \"openapi\": \"3.1.0\")");
      }
      return externalReference(root).map(ref -> "a $ref to another document ('" + ref + "'): compare self-contained "
          + "documents (the parser would fetch it, from wherever it points)");
    }

    /** The first {@code $ref} of {@code node} that names another document (not {@code #/...}), if any. */
    private static Optional<String> externalReference(com.fasterxml.jackson.databind.JsonNode root) {
      java.util.ArrayDeque<com.fasterxml.jackson.databind.JsonNode> pending = new java.util.ArrayDeque<>();
      pending.push(root);
      while (!pending.isEmpty()) { // by hand, not by recursion: a deeply nested document is no stack overflow
        com.fasterxml.jackson.databind.JsonNode n = pending.pop();
        com.fasterxml.jackson.databind.JsonNode ref = n.get("$ref");
        if (n.isObject() && ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
          return Optional.of(ref.asText().length() > 100 ? ref.asText().substring(0, 100) + "..." : ref.asText());
        }
        n.elements().forEachRemaining(pending::push);
      }
      return Optional.empty();
    }

    /** A document of any size the file has (SnakeYAML stops at 3 MB by default; large APIs have more). */
    private static org.yaml.snakeyaml.LoaderOptions yamlWithoutSizeLimit() {
      org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
      options.setCodePointLimit(Integer.MAX_VALUE);
      return options;
    }

    private static String version(OpenAPI api) {
      return Optional.ofNullable(api).map(OpenAPI::getInfo).map(i -> i.getVersion()).orElse("");
    }

    /**
     * The major version of {@code info.version} ({@code 1.4.0} and {@code v1} are 1; none is 0, and so
     * is a date such as {@code 2026-06}, which has no major version to raise).
     */
    static int major(OpenAPI api) {
      String v = version(api).strip();
      if (v.matches("\\d{4}-\\d{2}(-\\d{2})?")) {
        return 0;
      }
      if (v.startsWith("v") || v.startsWith("V")) {
        v = v.substring(1);
      }
      int end = 0;
      while (end < v.length() && Character.isDigit(v.charAt(end))) {
        end++;
      }
      try {
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, Math.min(end, 9)));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}
