package dev.monetize.spring.tomcat;

import dev.monetize.Monetize;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * On Tomcat, the answers Tomcat makes itself before any filter runs (an encoded {@code /} in the
 * path, a malformed escape, a {@code TRACE}) as problem JSON instead of Tomcat's HTML page
 * ({@link TomcatProblemPages}); and a body left unread once the answer is sent is not read at all
 * (the connection is closed), unless {@code server.tomcat.max-swallow-size} says otherwise.
 *
 * <p>In a jar apart from the starter's module, without a module descriptor: Tomcat's jar holds the
 * {@code jakarta.servlet} packages too, which a named module cannot read from two modules.
 */
@AutoConfiguration(afterName = "dev.monetize.spring.MonetizeAutoConfiguration")
@ConditionalOnProperty(prefix = "monetize", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
public class MonetizeTomcatAutoConfiguration {
  /** Used by Spring. */
  public MonetizeTomcatAutoConfiguration() {}

  /**
   * Replaces the host's error report valve, after Spring Boot's own customizer has set it up (this
   * one is ordered last).
   */
  @Bean
  static WebServerFactoryCustomizer<TomcatServletWebServerFactory> monetizeTomcatProblemPages(
      ObjectProvider<Monetize> monetize, org.springframework.core.env.Environment environment) {
    return new Last(monetize, org.springframework.boot.context.properties.bind.Binder.get(environment)
        .bind(SWALLOW_PROPERTY, org.springframework.util.unit.DataSize.class).isBound());
  }

  /** Spring Boot's property of how much of a body Tomcat reads after the answer ({@code 2MB} by default). */
  static final String SWALLOW_PROPERTY = "server.tomcat.max-swallow-size";

  /**
   * The customizer, ordered after every other. Unless {@value #SWALLOW_PROPERTY} is set, Tomcat reads
   * nothing of a body left unread once the answer is sent (a request refused before its body, such as
   * one without a key): it closes the connection, as Jetty does, instead of reading up to 2 MB on the
   * request thread, which a client sending a byte now and then (no key needed) held for as long as it
   * liked.
   */
  private record Last(ObjectProvider<Monetize> monetize, boolean swallowSizeSet)
      implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
    @Override
    public void customize(TomcatServletWebServerFactory factory) {
      factory.addContextCustomizers(context ->
          TomcatProblemPages.install(context, () -> Optional.ofNullable(monetize.getIfAvailable()), !swallowSizeSet));
      if (!swallowSizeSet) { // after Spring Boot's connector customizer, which sets its 2 MB: this one wins
        factory.addConnectorCustomizers(connector -> {
          if (connector.getProtocolHandler() instanceof org.apache.coyote.http11.AbstractHttp11Protocol<?> http) {
            http.setMaxSwallowSize(0);
          }
        });
      }
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
