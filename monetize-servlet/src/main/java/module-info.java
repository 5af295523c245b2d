/** The Jakarta Servlet adapter: translates HTTP to Monetize core calls, nothing more. */
module dev.monetize.servlet {
  requires transitive dev.monetize.core;
  requires transitive jakarta.servlet;
  requires org.slf4j;

  exports dev.monetize.servlet;
}
