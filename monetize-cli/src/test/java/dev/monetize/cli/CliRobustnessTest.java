package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a script running the CLI relies on: failures are non-zero and one line, whatever went wrong. */
class CliRobustnessTest {
  @TempDir
  Path dir;

  /** A writer whose every write fails, as a full disk or a closed pipe under standard output. */
  private static final class Broken extends Writer {
    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public void flush() throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public void close() {
    }
  }

  @Test
  void anOutputThatCouldNotBeWrittenFailsTheRun() {
    StringWriter err = new StringWriter();
    int code = MonetizeCli.run(new PrintWriter(new Broken(), true), new PrintWriter(err, true), "operator-key");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("the output could not be written");
  }

  @Test
  void noArgumentIsReadFromAFile() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "DB_PASSWORD=hunter2-top-secret\n");
    CliRun r = CliRun.of("@" + secret);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("@" + secret).doesNotContain("hunter2");
  }

  @Test
  void everyCommandPrintsTheVersion() {
    for (String[] command : new String[][] {{"-V"}, {"invoice", "-V"}, {"dead-letters", "list", "-V"},
        {"audit", "verify", "--version"}, {"operator-key", "-V"}}) {
      CliRun r = CliRun.of(command);
      assertThat(r.code()).as(String.join(" ", command)).isZero();
      assertThat(r.out()).as(String.join(" ", command)).startsWith("monetize 0.1.0");
    }
  }

  /** A script needs to know what each exit code means: every command's help says. */
  @Test
  void everyCommandsHelpSaysWhatItsExitCodesMean() {
    for (String[] command : new String[][] {{"invoice"}, {"what-if"}, {"dead-letters", "list"},
        {"dead-letters", "replay"}, {"audit", "verify"}, {"openapi", "diff"}, {"ledger", "compact"}}) {
      CliRun r = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.stream.Stream.of(
          "--help")).toArray(String[]::new));
      assertThat(r.code()).isZero();
      assertThat(r.out().replaceAll("\\s+", " ")).as(String.join(" ", command)).contains("Exit 0 ").contains(" 2 ");
    }
  }

  @Test
  void anInstantOutsideTheYearsUsageHasIsAMistakeNamingTheOption() throws Exception {
    for (String at : new String[] {"+50000-12-15T00:00:00Z", "+1000000000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
      CliRun r = CliRun.of("invoice", "--plans", InvoiceTableTest.plansFile().toString(), "--usage",
          dir.resolve("usage.jsonl").toString(), "--customer", "acme", "--at", at);
      assertThat(r.code()).as(at).isEqualTo(2);
      assertThat(r.err()).as(at).contains("--at").contains("outside the years 1970 to 9999");
    }
  }

  @Test
  void anUnknownCustomerNamesSomeOthersOnOneShortLine() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      lines.add("{\"kind\":\"customer\",\"customer_id\":\"c" + i + "\",\"plan\":\"basic\",\"since\":\"2026-02-01T00:00:00Z\"}");
    }
    Path usage = Files.write(dir.resolve("usage.jsonl"), lines);
    CliRun r = CliRun.of("invoice", "--plans", InvoiceTableTest.plansFile().toString(), "--usage", usage.toString(),
        "--customer", "acme", "--at", "2026-03-20T00:00:00Z");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no customer line for 'acme'").contains("and 480 more");
    assertThat(r.err().length()).isLessThan(400);
  }

  @Test
  void aUnitNoPlanPricesIsSaidNotSilentlyLeftUnbilled() throws Exception {
    Path usage = Files.write(dir.resolve("usage.jsonl"), List.of(
        "{\"kind\":\"customer\",\"customer_id\":\"acme\",\"plan\":\"basic\",\"since\":\"2026-02-01T00:00:00Z\"}",
        "{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":\"2026-03-05T10:00:00Z\","
            + "\"units\":{\"call\":500}}"));
    CliRun r = CliRun.of("invoice", "--plans", InvoiceTableTest.plansFile().toString(), "--usage", usage.toString(),
        "--customer", "acme", "--at", "2026-03-20T00:00:00Z");
    assertThat(r.code()).as(r.err()).isZero(); // a unit of its own may be metered and not priced: said, not refused
    assertThat(r.err()).contains("warning").contains("line 2: units.call: no plan prices 'call' for summary");
  }

  @Test
  void aPlansFileTooLargeOrADirectoryIsRefusedBeforeItIsParsed() throws Exception {
    Path huge = dir.resolve("huge.yaml");
    byte[] line = "# a comment line of the plans file, repeated past any real file's size\n".getBytes(StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(huge)) {
      for (int written = 0; written < 4 * 1024 * 1024; written += line.length) {
        out.write(line);
      }
    }
    Path usage = Files.writeString(dir.resolve("usage.jsonl"), "");
    for (Path plans : new Path[] {huge, dir}) {
      CliRun r = CliRun.of("invoice", "--plans", plans.toString(), "--usage", usage.toString(), "--customer", "acme",
          "--at", "2026-03-20T00:00:00Z");
      assertThat(r.code()).as(plans.toString()).isEqualTo(1);
      assertThat(r.err()).as(plans.toString()).containsAnyOf("a plans file is at most 3145728 bytes",
          "is a directory, not a plans file").doesNotContain("Exception").hasLineCount(1);
    }
  }

  @Test
  void aReplayWithAnotherStripeEndpointButAWebhookIsAMistakeAndSendsNothing() throws Exception {
    Path letters = Files.createDirectory(dir.resolve("letters"));
    CliRun r = CliRun.of("dead-letters", "replay", "--dir", letters.toString(), "--webhook",
        "https://billing.example.com/usage", "--url", "https://127.0.0.1:1/", "--secret-env", "PATH");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--url").contains("only with --stripe");
  }

  /**
   * A usage file is read line by line into little memory: 250,000 lines rate in a 64 MiB heap (the
   * whole file read at once, with one object kept per line for the date checks, needed about 128 MiB;
   * a million lines took 600 MiB and more than 2 GB of memory).
   */
  @Test
  void aLargeUsageFileIsRatedInASmallHeap() throws Exception {
    Path plans = dir.resolve("plans.yaml");
    Files.copy(Path.of("src/test/resources/billing-plans.yaml"), plans);
    Path usage = dir.resolve("usage.jsonl");
    long calls = 0;
    java.util.Random random = new java.util.Random(1);
    try (java.io.BufferedWriter w = Files.newBufferedWriter(usage, StandardCharsets.UTF_8)) {
      for (int c = 0; c < 1_000; c++) {
        w.write(String.format("{\"kind\":\"customer\",\"customer_id\":\"cust-%04d\",\"plan\":\"basic\","
            + "\"since\":\"2026-01-01T00:00:00Z\"}%n", c));
      }
      for (int i = 0; i < 250_000; i++) {
        int c = random.nextInt(1_000);
        int n = 1 + random.nextInt(4);
        calls += c == 7 ? n : 0;
        w.write(String.format("{\"kind\":\"usage\",\"customer_id\":\"cust-%04d\",\"operation\":\"summary\","
            + "\"at\":\"2026-03-%02dT%02d:%02d:00Z\",\"units\":{\"calls\":%d}}%n", c, 1 + random.nextInt(28),
            random.nextInt(24), random.nextInt(60), n));
      }
    }
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path"), MonetizeCli.class.getName(), "invoice", "--plans",
        plans.toString(), "--usage", usage.toString(), "--customer", "cust-0007", "--at", "2026-03-15T00:00:00Z")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("\"customer_id\" : \"cust-0007\"").contains("\"quantity\" : " + calls + ",")
        .doesNotContain("out of memory");
  }
}
