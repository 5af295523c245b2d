/** PostgreSQL stores: keys, organizations, the usage ledger and billing history, on plain JDBC. */
@SuppressWarnings("requires-automatic") // the PostgreSQL driver names its module in its manifest only
module dev.monetize.postgres {
  requires transitive dev.monetize.core;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires org.postgresql.jdbc; // LISTEN/NOTIFY (KeyWatch)
  requires org.slf4j;

  exports dev.monetize.postgres;
}
