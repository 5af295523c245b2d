package dev.monetize.docs;

import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.Monetized;
import dev.monetize.postgres.PostgresAuditStore;
import dev.monetize.postgres.PostgresStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** docs/audit.md: the trail in PostgreSQL, and the query parameters kept in clear. */
final class AuditSetup {
  private AuditSetup() {}

  static MonetizeBuilder durable(String jdbcUrl) {
    // tag::postgres[]
    PostgresStore db = PostgresStore.connect(jdbcUrl);
    MonetizeBuilder builder = Monetize.builder().auditSink(new PostgresAuditStore(db.dataSource()));
    // end::postgres[]
    return builder;
  }

  /** An annotated resource. */
  @Path("/v1/stats")
  public static final class Stats {
    /** A time series. */
    @GET
    @Path("timeseries")
    // tag::audit-query[]
    @Monetized(id = "stats.timeseries", auditQuery = {"from", "to", "interval"})
    // end::audit-query[]
    public String timeseries() {
      return "[]";
    }
  }
}
