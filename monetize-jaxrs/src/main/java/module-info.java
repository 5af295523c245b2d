/** The Jakarta REST adapter: annotations, filters and resources that hand each request to Monetize core. */
module dev.monetize.jaxrs {
  requires transitive dev.monetize.core;
  requires transitive jakarta.ws.rs;
  requires static transitive jakarta.servlet; // PeerAddress.servletFilter(), only where a servlet container runs JAX-RS
  requires org.slf4j;

  exports dev.monetize.jaxrs;
  // JAX-RS runtimes instantiate and inject the filters and resources reflectively
  opens dev.monetize.jaxrs;
}
