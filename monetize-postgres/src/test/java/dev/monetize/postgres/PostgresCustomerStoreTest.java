package dev.monetize.postgres;

import dev.monetize.keys.CustomerStore;
import dev.monetize.testkit.CustomerStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The customer store contract on a real PostgreSQL. */
class PostgresCustomerStoreTest extends CustomerStoreContract {
  @RegisterExtension
  static final PostgresSchema SCHEMA = new PostgresSchema();

  @Override
  protected CustomerStore store() {
    return SCHEMA.open();
  }

  @Override
  protected CustomerStore secondClientOfSameBackend(CustomerStore first) {
    return SCHEMA.open();
  }
}
