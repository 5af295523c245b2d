package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code invoice} and {@code what-if}: the comparison, and every mistake named with its file, line and field. */
class BillingCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir
  Path dir;

  private int run(String... args) {
    return MonetizeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private Path usage(String... lines) throws Exception {
    Path file = dir.resolve("usage.jsonl");
    Files.write(file, List.of(lines));
    return file;
  }

  private int invoice(Path usage, String... more) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--plans", InvoiceTableTest.plansFile().toString(),
        "--usage", usage.toString(), "--customer", "acme", "--at", "2026-03-20T00:00:00Z"));
    args.addAll(List.of(more));
    args.add(0, more.length == 0 ? "invoice" : "what-if");
    return run(args.toArray(String[]::new));
  }

  @Test
  void whatIfPricesTheSameUsageUnderTheCandidateAndSaysTheDifference() throws Exception {
    Path file = usage(
        "{\"kind\":\"customer\",\"customer_id\":\"acme\",\"plan\":\"basic\",\"billing_day\":1,\"time_zone\":\"UTC\",\"since\":\"2026-02-01T00:00:00Z\"}",
        "{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":12000}}");
    assertThat(invoice(file, "--plan", "pro")).as(err.toString()).isZero();
    JsonNode r = JSON.readTree(out.toString());
    // basic: 30.00 + 12,000 x 0.01 = 150.00; pro: 90.00 + 20.00 (graduated) + 30.00 up to the 50.00 minimum
    assertThat(r.path("actual").path("total").asText()).isEqualTo("150.00");
    assertThat(r.path("candidate").path("total").asText()).isEqualTo("140.00");
    assertThat(r.path("difference").asText()).isEqualTo("-10.00");
    assertThat(r.path("plan").asText()).isEqualTo("pro");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void badInputExitsWith1AndNamesTheFileTheLineAndTheField() throws Exception {
    String customer = "{\"kind\":\"customer\",\"customer_id\":\"acme\",\"plan\":\"basic\",\"since\":\"2026-02-01T00:00:00Z\"}";
    List<List<String>> cases = List.of(
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":-1}}",
            "usage.jsonl: line 2: units.calls: must be a whole number of 0 or more"),
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"nope\",\"at\":\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":1}}",
            "line 2: operation: 'nope' is not an operation"),
        List.of(customer.replace("basic", "gold"), "line 1: plan: 'gold' is not a plan"),
        List.of(customer.replace("2026-02-01T00:00:00Z", "yesterday"), "line 1: since: must be an instant"),
        List.of(customer.replace("\"since\"", "\"billing_day\":32,\"since\""), "line 1: billing_day: must be a whole number from 1 to 31"),
        List.of(customer.replace("\"since\"", "\"colour\":1,\"since\""), "line 1: colour: unknown field"),
        List.of(customer + "\nnot json", "line 2: not a JSON object"),
        List.of("{\"kind\":\"plan_change\",\"customer_id\":\"acme\",\"plan\":\"pro\",\"at\":\"2026-03-01T00:00:00Z\"}",
            "line 1: customer_id: customer 'acme' has no customer line"),
        List.of(customer.replace("acme", "globex"), "no customer line for 'acme'"),
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":\"2026-01-31T23:59:59Z\",\"units\":{\"calls\":1}}",
            "line 2: at: 2026-01-31T23:59:59Z is before customer 'acme' began (since 2026-02-01T00:00:00Z)"),
        List.of("{\"kind\":\"plan_change\",\"customer_id\":\"acme\",\"plan\":\"pro\",\"at\":\"2026-01-01T00:00:00Z\"}\n" + customer,
            "line 1: at: 2026-01-01T00:00:00Z is before customer 'acme' began"),
        // the first such line of the file is named, not the earliest instant (a later line, line 3)
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":"
            + "\"2026-01-31T00:00:00Z\",\"units\":{\"calls\":1}}\n{\"kind\":\"usage\",\"customer_id\":\"acme\","
            + "\"operation\":\"summary\",\"at\":\"2026-01-05T00:00:00Z\",\"units\":{\"calls\":1}}",
            "line 2: at: 2026-01-31T00:00:00Z is before customer 'acme' began"),
        List.of(customer.replace("2026-02-01", "2026-05-01"), "starts on 2026-05-01T00:00:00Z, after the billing period"),
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":"
            + "\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":9223372036854775807}}\n{\"kind\":\"usage\",\"customer_id\":"
            + "\"acme\",\"operation\":\"summary\",\"at\":\"2026-03-06T10:00:00Z\",\"units\":{\"calls\":9223372036854775807}}",
            "adds up past 9223372036854775807"),
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":"
            + "\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":5000,\"calls\":1}}", "line 2: not a JSON object: Duplicate field 'calls'"),
        // a second object (or anything) after the first on a line was ignored: its usage went unbilled
        List.of(customer + "\n{\"kind\":\"usage\",\"customer_id\":\"acme\",\"operation\":\"summary\",\"at\":"
            + "\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":5}} {\"kind\":\"usage\",\"customer_id\":\"acme\","
            + "\"operation\":\"summary\",\"at\":\"2026-03-05T10:00:00Z\",\"units\":{\"calls\":7}}", "line 2: not a JSON object"),
        List.of(customer + " garbage", "line 1: not a JSON object"),
        // past a 64-bit integer it wrapped round (2^64 + 15 was day 15)
        List.of(customer.replace("\"since\"", "\"billing_day\":18446744073709551631,\"since\""),
            "line 1: billing_day: must be a whole number from 1 to 31"),
        List.of(customer.replace("2026-02-01T00:00:00Z", "+1000000000-01-01T00:00:00Z"),
            "line 1: since: must be an instant from 1970 to 9999"));
    for (List<String> c : cases) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      Path file = usage(c.get(0).split("\n"));
      assertThat(invoice(file)).as(c.get(0)).isEqualTo(1);
      assertThat(err.toString()).as(c.get(0)).contains(c.get(1)).doesNotContain("\tat ");
      assertThat(out.toString()).isEmpty();
    }
    err.getBuffer().setLength(0);
    assertThat(invoice(dir.resolve("nofile.jsonl"))).isEqualTo(1);
    assertThat(err.toString()).contains("nofile.jsonl: no such file");
    Path bad = dir.resolve("plans.yaml");
    Files.writeString(bad, "plans:\n  p:\n    rate: {count: 1}\n    quotas: [{limit: 1, window: day}]\n    fee: 9.99\n");
    assertThat(run("invoice", "--plans", bad.toString(), "--usage", usage(customer).toString(), "--customer", "acme",
        "--at", "2026-03-20T00:00:00Z")).isEqualTo(1);
    assertThat(err.toString()).contains("plans.yaml: plans.p.fee: write amounts as quoted decimal strings");
  }

  @Test
  void deadLettersAreListedAndReplayedToAWebhook() throws Exception {
    dev.monetize.billing.DeadLetterStore store = dev.monetize.billing.DeadLetterStore.inDirectory(dir);
    store.add(List.of(new dev.monetize.billing.UsageExport.DeadLetter("e1", "{\"id\":\"e1\"}", "answered 503"),
        new dev.monetize.billing.UsageExport.DeadLetter("e2", "{\"id\":\"e2\"}", "answered 503")));
    assertThat(run("dead-letters", "list", "--dir", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString().trim().split("\n")).hasSize(2);
    assertThat(JSON.readTree(out.toString().trim().split("\n")[0]).path("reason").asText()).isEqualTo("answered 503");
    List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    int[] status = {503};
    org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
    org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
          org.eclipse.jetty.util.Callback callback) throws Exception {
        bodies.add(new String(org.eclipse.jetty.io.Content.Source.asInputStream(request).readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8));
        response.setStatus(status[0]);
        callback.succeeded();
        return true;
      }
    });
    server.start();
    String[] replay = {"dead-letters", "replay", "--dir", dir.toString(), "--webhook",
        "http://127.0.0.1:" + connector.getLocalPort() + "/usage", "--secret-env", "PATH", "--allow-private-networks"};
    try {
      out.getBuffer().setLength(0);
      // a receiver that refuses: the letters stay, and the exit code says so (a cron job must see it)
      assertThat(run(replay)).isEqualTo(3);
      assertThat(JSON.readTree(out.toString()).path("failed").asInt()).isEqualTo(2);
      assertThat(JSON.readTree(out.toString()).path("delivered").asInt()).isZero();
      assertThat(err.toString()).contains("2 letter(s) could not be delivered");
      assertThat(store.list(10)).hasSize(2);
      bodies.clear();
      status[0] = 202;
      out.getBuffer().setLength(0);
      // the secret comes from the environment, never the command line (PATH is merely long enough here)
      assertThat(run(replay)).as(err.toString()).isZero();
      assertThat(JSON.readTree(out.toString()).path("delivered").asInt()).isEqualTo(2);
      assertThat(bodies).containsExactly("[{\"id\":\"e1\"},{\"id\":\"e2\"}]");
      // more letters than one replay sends (1,000): the command sends them all
      Path many = Files.createDirectories(dir.resolve("many"));
      List<dev.monetize.billing.UsageExport.DeadLetter> letters = new java.util.ArrayList<>();
      for (int i = 0; i < 1_500; i++) {
        letters.add(new dev.monetize.billing.UsageExport.DeadLetter("m" + i, "{\"id\":\"m" + i + "\"}", "answered 503"));
      }
      dev.monetize.billing.DeadLetterStore.inDirectory(many).add(letters);
      String[] all = replay.clone();
      all[3] = many.toString();
      // refused: every batch is still tried once (a refused first batch does not stop the second)
      status[0] = 503;
      bodies.clear();
      out.getBuffer().setLength(0);
      assertThat(run(all)).isEqualTo(3);
      assertThat(JSON.readTree(out.toString()).path("failed").asInt()).isEqualTo(1_500);
      assertThat(String.join("", bodies)).contains("\"m0\"", "\"m1499\"");
      status[0] = 202;
      out.getBuffer().setLength(0);
      assertThat(run(all)).as(err.toString()).isZero();
      assertThat(JSON.readTree(out.toString()).path("delivered").asInt()).isEqualTo(1_500);
      assertThat(dev.monetize.billing.DeadLetterStore.inDirectory(many).list(10)).isEmpty();
      out.getBuffer().setLength(0);
      run(replay);
    } finally {
      server.stop();
    }
    assertThat(JSON.readTree(out.toString()).path("delivered").asInt()).isZero(); // nothing left to send
    assertThat(JSON.readTree(out.toString()).path("dead").asInt()).isZero();
    assertThat(store.list(10)).isEmpty(); // every store of the directory reads it afresh
    assertThat(dev.monetize.billing.DeadLetterStore.inDirectory(dir).list(10)).isEmpty();
    // a private address without --allow-private-networks: refused before any letter is sent or touched
    Path kept = Files.createDirectories(dir.resolve("kept"));
    dev.monetize.billing.DeadLetterStore.inDirectory(kept).add(List.of(
        new dev.monetize.billing.UsageExport.DeadLetter("k1", "{\"id\":\"k1\"}", "answered 503")));
    err.getBuffer().setLength(0);
    assertThat(run("dead-letters", "replay", "--dir", kept.toString(), "--webhook", "https://127.0.0.1:9/usage",
        "--secret-env", "PATH")).isEqualTo(1);
    assertThat(err.toString()).contains("--webhook: refused: 127.0.0.1 resolves to a private or local address")
        .contains("--allow-private-networks").contains("No letter was sent");
    assertThat(dev.monetize.billing.DeadLetterStore.inDirectory(kept).list(10)).extracting(
        dev.monetize.billing.UsageExport.DeadLetter::reason).containsExactly("answered 503");
    assertThat(run("dead-letters", "replay", "--dir", dir.toString(), "--stripe", "--secret-env",
        "MONETIZE_NO_SUCH_VARIABLE")).isEqualTo(1);
    assertThat(err.toString()).contains("MONETIZE_NO_SUCH_VARIABLE is not set");
    assertThat(run("dead-letters", "list", "--dir", dir.resolve("nope").toString())).isEqualTo(1);
    Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
    String[][] files = {
        {"{\"id\":\n", "dead-letters.jsonl line 1: not JSON"},
        {"{\"id\":\"a\",\"event\":\"{}\",\"reason\":\"r\"}\n{\"note\":\"edited by hand\"}\n",
            "dead-letters.jsonl line 2: not a dead letter"},
        {"{\"id\":\"a\",\"event\":\"{}\"}\n\n{\"id\":\"a\",\"event\":\"{}\"}\n",
            "dead-letters.jsonl line 3: a second letter with id a"}};
    for (String[] file : files) {
      Files.writeString(corrupt.resolve("dead-letters.jsonl"), file[0]);
      for (String command : new String[] {"list", "replay"}) {
        err.getBuffer().setLength(0);
        int code = command.equals("list") ? run("dead-letters", "list", "--dir", corrupt.toString())
            : run("dead-letters", "replay", "--dir", corrupt.toString(), "--webhook", "http://127.0.0.1:9/usage",
                "--secret-env", "PATH", "--allow-private-networks");
        assertThat(code).as(command).isEqualTo(1);
        assertThat(err.toString()).as(command).contains("cannot read dead letters in").contains(file[1])
            .doesNotContain("\tat ").doesNotContain("Exception");
      }
      assertThat(Files.readString(corrupt.resolve("dead-letters.jsonl"))).isEqualTo(file[0]); // left as it was
    }
  }

  @Test
  void usageMistakesExitWith2() throws Exception {
    assertThat(run("invoice", "--plans", "x.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required options");
    assertThat(run("invoice", "--plans", "x.yaml", "--usage", "u", "--customer", "a", "--at", "2026-03-15")).isEqualTo(2);
    assertThat(err.toString()).contains("'2026-03-15' is not an instant; write it in UTC with a time, such as "
        + "2026-03-15T00:00:00Z");
    assertThat(run("what-if", "--plans", "x.yaml", "--usage", "u", "--customer", "a", "--at", "2026-03-20T00:00:00Z"))
        .isEqualTo(2);
  }
}
