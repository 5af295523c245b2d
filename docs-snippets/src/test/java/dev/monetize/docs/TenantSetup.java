package dev.monetize.docs;

import dev.monetize.TenantContext;
import dev.monetize.postgres.TenantDataSource;
import javax.sql.DataSource;

/** docs/tenant-isolation.md: the tenant in host code, and the data source that hands it to PostgreSQL. */
final class TenantSetup {
  private TenantSetup() {}

  interface Store {
    long summary(String tenant);
  }

  static long summary(Store store) {
    // tag::tenant[]
    String tenant = TenantContext.require();
    long summary = store.summary(tenant); // WHERE tenant = ?
    // end::tenant[]
    return summary;
  }

  static DataSource wrap(DataSource pool) {
    // tag::datasource[]
    DataSource tenantData = new TenantDataSource(pool);
    // end::datasource[]
    return tenantData;
  }
}
