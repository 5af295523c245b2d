package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monetize openapi diff}: breaking changes fail the check unless the major version went up. */
class OpenApiCommandsTest {
  /** The document the example's client is generated from, checked in. */
  static final Path CHECKED_IN = Path.of("..", "examples", "analytics-client", "src", "main", "openapi", "analytics.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path write(String name, ObjectNode doc) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc), StandardCharsets.UTF_8);
    return p;
  }

  private static ObjectNode checkedIn() throws Exception {
    return (ObjectNode) JSON.readTree(Files.readString(CHECKED_IN, StandardCharsets.UTF_8));
  }

  @Test
  void theCheckedInDocumentIsCompatibleWithTheBuildsOwn() throws Exception {
    // the document the servlet example serves is the checked-in one (SameDocumentTest): compare it with the
    // document generated from the example's plans now
    dev.monetize.plans.Catalog plans = dev.monetize.config.CatalogLoader.load(
        Path.of("..", "examples", "analytics-domain", "src", "main", "resources", "analytics-plans.yaml"));
    Path now = dir.resolve("now.json");
    Files.writeString(now, dev.monetize.openapi.OpenApi.of(plans)
        .schemas(dev.monetize.examples.analytics.DemoService.apiSchemas()).json(), StandardCharsets.UTF_8);
    CliRun r = run("openapi", "diff", CHECKED_IN.toString(), now.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
  }

  @Test
  void aRemovedOperationIsBreakingUnlessTheMajorVersionWentUp() throws Exception {
    Path old = write("old.json", checkedIn());
    ObjectNode next = checkedIn();
    ((ObjectNode) next.get("paths")).remove("/v1/export");
    Path removed = write("removed.json", next);
    CliRun r = run("openapi", "diff", old.toString(), removed.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("breaking: removed GET /v1/export");
    assertThat(r.err()).contains("without a new major version");

    ((ObjectNode) next.get("info")).put("version", "2.0.0");
    ((ObjectNode) checkedIn().get("info")).put("version", "1.0.0");
    ObjectNode base = checkedIn();
    ((ObjectNode) base.get("info")).put("version", "1.4.0");
    CliRun major = run("openapi", "diff", write("base.json", base).toString(), write("v2.json", next).toString());
    assertThat(major.code()).as(major.out() + major.err()).isZero();
    assertThat(major.out()).contains("allowed: the major version went from 1 to 2");

    // a date has no major version: 2026-06 to 2027-01 allows no breaking change
    ((ObjectNode) base.get("info")).put("version", "2026-06");
    ((ObjectNode) next.get("info")).put("version", "2027-01");
    CliRun dated = run("openapi", "diff", write("dated.json", base).toString(), write("dated2.json", next).toString());
    assertThat(dated.code()).as(dated.out() + dated.err()).isEqualTo(1);
  }

  @Test
  void aParameterThatBecameRequiredIsBreaking() throws Exception {
    ObjectNode doc = checkedIn();
    ObjectNode op = (ObjectNode) doc.get("paths").get("/v1/stats/timeseries").get("get");
    com.fasterxml.jackson.databind.node.ArrayNode params = op.has("parameters") ? (com.fasterxml.jackson.databind.node.ArrayNode)
        op.get("parameters") : op.putArray("parameters");
    params.addObject().put("name", "tenant_region").put("in", "query").put("required", true)
        .putObject("schema").put("type", "string");
    CliRun r = run("openapi", "diff", write("old.json", checkedIn()).toString(), write("new.json", doc).toString());
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("GET /v1/stats/timeseries changed incompatibly (parameters)");
    assertThat(run("openapi", "diff", CHECKED_IN.toString(), CHECKED_IN.toString()).out())
        .contains("compatible: no breaking change");
  }

  @Test
  void unreadableDocumentsExit2() throws Exception {
    assertThat(run("openapi", "diff", dir.resolve("nope.json").toString(), CHECKED_IN.toString()).code()).isEqualTo(2);
    Path junk = dir.resolve("junk.json");
    Files.writeString(junk, "{not json", StandardCharsets.UTF_8);
    assertThat(run("openapi", "diff", junk.toString(), CHECKED_IN.toString()).code()).isEqualTo(2);
    Path other = dir.resolve("other.json"); // JSON, but no OpenAPI document: not read as an empty one
    Files.writeString(other, "{\"foo\": 1}", StandardCharsets.UTF_8);
    CliRun r = run("openapi", "diff", CHECKED_IN.toString(), other.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("other.json: not an OpenAPI document: no top-level 'openapi' field");
    assertThat(r.out()).doesNotContain("breaking");
    // a large document (over SnakeYAML's 3 MB default) is still read: padded with a long description
    ObjectNode big = checkedIn();
    ((ObjectNode) big.get("info")).put("description", "x".repeat(4 * 1024 * 1024));
    CliRun large = run("openapi", "diff", CHECKED_IN.toString(), write("big.json", big).toString());
    assertThat(large.code()).as(large.err()).isZero();
  }

  /**
   * A document whose {@code $ref} names another document is refused before it is parsed: the parser
   * fetched it, so a document under review could make the CLI request any address (an internal host,
   * a cloud metadata service).
   */
  @Test
  void aReferenceToAnotherDocumentIsRefusedAndNeverFetched() throws Exception {
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(1);
      ObjectNode doc = checkedIn();
      ((ObjectNode) doc.get("components").get("schemas")).putObject("Remote")
          .put("$ref", "http://127.0.0.1:" + listener.getLocalPort() + "/latest/meta-data/iam.yaml#/A");
      CliRun r = run("openapi", "diff", CHECKED_IN.toString(), write("remote.json", doc).toString());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("remote.json: not an OpenAPI document: a $ref to another document ('http://127.0.0.1:");
      assertThatNothingConnected(listener);
    }
  }

  private static void assertThatNothingConnected(java.net.ServerSocket listener) throws java.io.IOException {
    try (java.net.Socket s = listener.accept()) {
      throw new AssertionError("the CLI connected to " + s.getLocalSocketAddress());
    } catch (java.net.SocketTimeoutException expected) {
      // nobody came: the connection of a fetch would be queued here already (the CLI has returned)
    }
  }
}
