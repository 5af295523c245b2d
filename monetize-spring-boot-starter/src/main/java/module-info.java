/**
 * The Spring Boot starter: auto-configuration of Monetize from {@code monetize.*} properties, on the
 * application's own Redis, DataSource, MeterRegistry and Actuator when present.
 */
@SuppressWarnings("requires-automatic") // Spring's jars are automatic modules with stable names
module dev.monetize.spring {
  requires transitive dev.monetize.servlet;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires spring.beans;
  requires spring.context;
  requires spring.core;
  requires spring.web;
  requires static spring.webmvc;
  requires java.sql;
  requires org.slf4j;
  requires static dev.monetize.redis;
  requires static dev.monetize.postgres;
  requires static spring.data.redis;
  requires static lettuce.core;
  requires static spring.boot.actuator;
  requires static micrometer.core;

  exports dev.monetize.spring;
  // Spring binds the properties and creates the configurations reflectively
  opens dev.monetize.spring;
}
