/** PostgreSQL stores: keys, organizations, the usage ledger and billing history, on plain JDBC. */
module dev.monetize.postgres {
  requires transitive dev.monetize.core;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires org.slf4j;

  exports dev.monetize.postgres;
}
