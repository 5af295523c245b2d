package dev.monetize.spring;

import dev.monetize.MonetizeBuilder;

/**
 * Adjusts the engine's builder after the starter applied the {@code monetize.*} properties and the
 * SPI beans: every bean of this type is called, in {@code @Order}, before the engine is built. For
 * settings that are code rather than properties (the clock, management API limits, listeners).
 *
 * <pre>{@code
 * @Bean
 * MonetizeCustomizer quotaWarnings() {
 *   return builder -> builder.quotaWarnings(80, 95);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface MonetizeCustomizer {
  /** Changes {@code builder}. */
  void customize(MonetizeBuilder builder);
}
