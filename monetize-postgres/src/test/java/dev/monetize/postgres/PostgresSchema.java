package dev.monetize.postgres;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh schema for one test class, and the stores its tests open on it (closed after each test):
 * {@code @RegisterExtension static final PostgresSchema SCHEMA = new PostgresSchema();}
 */
final class PostgresSchema implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private String url;
  private final List<PostgresStore> opened = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    url = PostgresTestSupport.freshSchema();
  }

  /** The JDBC URL of the schema. */
  String url() {
    return url;
  }

  /** A new client of the schema, as another JVM would have. */
  PostgresStore open() {
    PostgresStore s = PostgresStore.connect(url);
    opened.add(s);
    return s;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(PostgresStore::close);
    opened.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (url != null) {
      PostgresTestSupport.drop(url);
    }
  }
}
