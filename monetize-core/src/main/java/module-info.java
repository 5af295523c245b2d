/**
 * Monetize core: the engine (keys, tokens, plans, limits, metering, billing, audit, the management
 * API) without any web framework. Exports only the public API; the {@code internal} packages stay
 * inside (a test reads this descriptor and fails if one is exported).
 */
@SuppressWarnings("requires-automatic") // micrometer-core has no module descriptor, only a name
module dev.monetize.core {
  requires transitive com.fasterxml.jackson.databind; // OpenApi hands out its document as a tree
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.github.benmanes.caffeine;
  requires com.github.victools.jsonschema.generator; // ApiSchemas: JSON Schema 2020-12 from the code's types
  requires com.github.victools.jsonschema.module.jackson;
  requires com.fasterxml.classmate;
  requires org.jctools.core;
  requires transitive com.nimbusds.jose.jwt;
  requires org.slf4j;
  requires static micrometer.core; // optional: only MonetizeMetrics needs it
  requires java.management;
  requires java.sql; // only to tell a store outage (an SQL connection failure) from a fault
  requires java.net.http; // webhook and Stripe delivery of usage

  exports dev.monetize;
  exports dev.monetize.audit;
  exports dev.monetize.insight;
  exports dev.monetize.events;
  exports dev.monetize.micrometer;
  exports dev.monetize.billing;
  exports dev.monetize.cache;
  exports dev.monetize.config;
  exports dev.monetize.docs;
  exports dev.monetize.errors;
  exports dev.monetize.http;
  exports dev.monetize.keys;
  exports dev.monetize.limits;
  exports dev.monetize.management;
  exports dev.monetize.metering;
  exports dev.monetize.openapi;
  exports dev.monetize.plans;
  exports dev.monetize.shield;
  exports dev.monetize.tokens;

  // the management API's request and response records are bound by Jackson
  opens dev.monetize.management.internal to com.fasterxml.jackson.databind;
}
