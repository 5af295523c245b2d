/**
 * Monetize for Spring Boot: add {@code monetize-spring-boot-starter}, put a plans file at
 * {@code classpath:monetize-plans.yaml} (or set {@code monetize.plans}), and every request goes
 * through {@link dev.monetize.servlet.MonetizeFilter}. See {@link dev.monetize.spring.MonetizeProperties}.
 */
package dev.monetize.spring;
