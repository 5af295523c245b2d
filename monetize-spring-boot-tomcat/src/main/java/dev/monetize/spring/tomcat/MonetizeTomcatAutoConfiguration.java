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
 * ({@link TomcatProblemPages}).
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
      ObjectProvider<Monetize> monetize) {
    return new Last(monetize);
  }

  /** The customizer, ordered after every other. */
  private record Last(ObjectProvider<Monetize> monetize)
      implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
    @Override
    public void customize(TomcatServletWebServerFactory factory) {
      factory.addContextCustomizers(context ->
          TomcatProblemPages.install(context, () -> Optional.ofNullable(monetize.getIfAvailable())));
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
