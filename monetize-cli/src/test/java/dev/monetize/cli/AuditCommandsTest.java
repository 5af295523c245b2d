package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monetize audit verify}: 0 for an intact export, 1 naming the first event that is not. */
class AuditCommandsTest {
  @TempDir
  Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static List<String> export() {
    List<String> lines = new ArrayList<>();
    String prev = AuditEvent.GENESIS;
    for (int i = 1; i <= 5; i++) {
      AuditEvent e = new AuditEvent(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(i), "r" + i, Optional.of("acme"),
          Optional.of("key_1"), "stats.summary", "GET", "/v1/stats/summary", "203.0.113.9", 200, "admitted", 90, 26,
          Map.of()).chained("2026-03-01T00:00:01Z", i, prev);
      prev = e.hash();
      lines.add(e.json());
    }
    return lines;
  }

  @Test
  void anIntactExportVerifiesAndATamperedOneNamesItsFirstBadEvent() throws Exception {
    Path good = dir.resolve("export.jsonl");
    Files.write(good, export(), StandardCharsets.UTF_8);
    CliRun ok = run("audit", "verify", "--file", good.toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("verified: 5 events").doesNotContain("note:");
    Path late = Files.write(dir.resolve("late.jsonl"), export().subList(2, 5), StandardCharsets.UTF_8);
    CliRun narrowed = run("audit", "verify", "--file", late.toString());
    assertThat(narrowed.code()).isZero(); // what it holds is intact; that it begins late is said
    assertThat(narrowed.out()).contains("verified: 3 events").contains("note: chain acme").contains("begins at seq 3");
    List<String> lines = new ArrayList<>(export());
    lines.set(2, lines.get(2).replace("\"bytes_out\":26", "\"bytes_out\":2600"));
    Path bad = dir.resolve("tampered.jsonl");
    Files.write(bad, lines, StandardCharsets.UTF_8);
    CliRun failed = run("audit", "verify", "--file", bad.toString());
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("does not verify: chain acme").contains("seq 3 (line 3)").contains("changed");
    assertThat(run("audit", "verify", "--file", dir.resolve("missing.jsonl").toString()).code()).isEqualTo(2);
    CliRun directory = run("audit", "verify", "--file", dir.toString()); // unreadable input: 2, no stack trace
    assertThat(directory.code()).isEqualTo(2);
    assertThat(directory.err()).contains("cannot be read (a directory)").doesNotContain("\tat ");
    Path latin1 = Files.write(dir.resolve("latin1.jsonl"), new byte[] {'{', '"', (byte) 0xE9, '"', '}', '\n'});
    CliRun binary = run("audit", "verify", "--file", latin1.toString());
    assertThat(binary.code()).isEqualTo(2);
    assertThat(binary.err()).contains("cannot be read (not UTF-8 text)").doesNotContain("Exception");
  }

  @Test
  void aDatabaseVerifiesUntilARowIsChanged() throws Exception {
    String url = dev.monetize.postgres.PostgresTestSupport.freshSchema();
    try (dev.monetize.postgres.PostgresStore db = dev.monetize.postgres.PostgresStore.connect(url)) {
      dev.monetize.postgres.PostgresAuditStore store = new dev.monetize.postgres.PostgresAuditStore(db.dataSource());
      List<AuditEvent> events = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        events.add(new AuditEvent(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(i), "r" + i, Optional.of("acme"),
            Optional.of("key_1"), "stats.summary", "GET", "/v1/stats/summary", "203.0.113.9", 200, "admitted", 90, 26));
      }
      store.accept(events);
      CliRun ok = run("audit", "verify", "--jdbc", url);
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("every chain in the database intact");
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
        s.execute("ALTER TABLE monetize_audit DISABLE TRIGGER USER");
        s.executeUpdate("UPDATE monetize_audit SET event = replace(event, '\"status\":200', '\"status\":500') "
            + "WHERE seq = 3");
      }
      CliRun failed = run("audit", "verify", "--jdbc", url);
      assertThat(failed.code()).isEqualTo(1);
      assertThat(failed.err()).contains("does not verify: chain acme").contains("seq 3").contains("changed");
    } finally {
      dev.monetize.postgres.PostgresTestSupport.drop(url);
    }
    // a database the service never ran on: what to do, on one line
    String empty = dev.monetize.postgres.PostgresTestSupport.freshSchema();
    try {
      java.sql.DriverManager.getConnection(empty).close(); // the schema exists, no table in it
      CliRun none = run("audit", "verify", "--jdbc", empty);
      assertThat(none.code()).isEqualTo(2);
      assertThat(none.err()).contains("start the service on this database once").hasLineCount(1);
    } finally {
      dev.monetize.postgres.PostgresTestSupport.drop(empty);
    }
    CliRun wrong = run("audit", "verify", "--jdbc", "jdbc:mysql://x/y");
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(run("audit", "verify", "--jdbc", "jdbc:postgresql://127.0.0.1:5432/no_such_db?user=postgres&password=s3cret")
        .err()).contains("cannot read the audit trail").doesNotContain("s3cret");
    CliRun inTheAuthority = run("audit", "verify", "--jdbc", "jdbc:postgresql://u:PW123@h:notaport/x");
    assertThat(inTheAuthority.code()).isEqualTo(2);
    assertThat(inTheAuthority.err()).contains("cannot read the audit trail").doesNotContain("PW123");
  }

  /** An event no engine could have written (a number past 2^53 has no canonical JSON) does not verify: no stack trace. */
  @Test
  void anEventWithoutACanonicalFormDoesNotVerify() throws Exception {
    List<String> lines = new ArrayList<>(export());
    lines.set(2, lines.get(2).replace("\"bytes_out\":26", "\"bytes_out\":9223372036854775807"));
    Path odd = dir.resolve("odd.jsonl");
    Files.write(odd, lines, StandardCharsets.UTF_8);
    CliRun failed = run("audit", "verify", "--file", odd.toString());
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("does not verify").contains("no canonical form").doesNotContain("\tat ")
        .doesNotContain("Exception");
  }
}
