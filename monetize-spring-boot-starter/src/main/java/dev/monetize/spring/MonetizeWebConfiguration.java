package dev.monetize.spring;

import dev.monetize.Monetize;
import dev.monetize.servlet.MonetizeFilter;
import dev.monetize.servlet.UnmatchedRoutes;
import dev.monetize.spring.internal.CallerArguments;
import dev.monetize.spring.internal.HandlerOperations;
import dev.monetize.spring.internal.SpringHandlerOperations;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The servlet side: {@link MonetizeFilter} on every request, ordered before Spring Security's
 * filter chain, and the caller ({@link dev.monetize.Principal}, {@link dev.monetize.TenantContext}'s
 * tenant) as an argument of handler methods.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class MonetizeWebConfiguration {
  /** Used by Spring. */
  public MonetizeWebConfiguration() {}

  /**
   * The filter on {@code /*}, at {@code monetize.filter-order}, through a proxy that finds the
   * filter bean at the first request: registering it builds nothing, so the engine (whose catalog
   * reads Spring MVC's routes) is built with the other singletons, and a {@code WebMvcConfigurer}
   * of the application may inject it.
   */
  @Bean
  @ConditionalOnMissingBean(name = "monetizeFilter")
  public DelegatingFilterProxyRegistrationBean monetizeFilter(MonetizeProperties p) {
    DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(FILTER_BEAN);
    registration.setName("monetizeFilter");
    registration.setUrlPatterns(List.of("/*"));
    registration.setOrder(p.getFilterOrder());
    return registration;
  }

  /**
   * Actuator's reads on the application's port refuse a body before anything reads it (Actuator
   * reads one even for a {@code GET}: a slow one held a thread without any key), just before the
   * engine's filter.
   */
  @Bean
  @ConditionalOnMissingBean(name = "monetizeActuatorBodies")
  public org.springframework.boot.web.servlet.FilterRegistrationBean<dev.monetize.spring.internal.ActuatorBodies>
      monetizeActuatorBodies(org.springframework.beans.factory.ObjectProvider<Monetize> monetize, MonetizeProperties p,
      org.springframework.core.env.Environment env) {
    var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(
        new dev.monetize.spring.internal.ActuatorBodies(monetize::getObject)); // the engine is built with the others
    String actuator = actuatorPrefix(env);
    registration.setUrlPatterns(actuator.isEmpty() ? List.of() : List.of(actuator, actuator + "/*"));
    registration.setEnabled(!actuator.isEmpty());
    registration.setOrder(p.getFilterOrder() == Integer.MIN_VALUE ? Integer.MIN_VALUE : p.getFilterOrder() - 1);
    return registration;
  }

  /** The name of the filter bean the registration's proxy delegates to. */
  public static final String FILTER_BEAN = "monetizeServletFilter";

  /** The filter itself: the routes, pass-through and operator-only paths of the properties. */
  @Bean(FILTER_BEAN)
  @ConditionalOnMissingBean(name = FILTER_BEAN)
  public MonetizeFilter monetizeServletFilter(Monetize monetize, MonetizeProperties p,
      org.springframework.core.env.Environment environment) {
    UnmatchedRoutes unmatched = switch (p.getUnmatchedRoutes().trim().toLowerCase(Locale.ROOT)) {
      case "not-found", "not_found" -> UnmatchedRoutes.NOT_FOUND;
      case "pass-through", "pass_through" -> UnmatchedRoutes.PASS_THROUGH;
      default -> throw new IllegalStateException("monetize.unmatched-routes must be not-found or pass-through, got '"
          + p.getUnmatchedRoutes() + "'");
    };
    MonetizeFilter filter = new MonetizeFilter(monetize, unmatched);
    java.util.List<String> passThrough = new java.util.ArrayList<>(p.getPassThrough());
    String actuator = actuatorPrefix(environment);
    if (!actuator.isEmpty()) {
      passThrough.add(actuator);
    }
    if (!passThrough.isEmpty()) {
      filter.passThrough(passThrough.toArray(String[]::new));
    }
    if (!p.getOperatorOnly().isEmpty()) {
      filter.operatorOnly(p.getOperatorOnly().toArray(String[]::new));
    }
    return filter;
  }

  /**
   * Warnings at start for settings of the application that undo what the engine does: Spring
   * Security's default chain (a login for every request: the engine admits, and bills, calls the
   * chain then refuses) and Spring's own reading of forwarding headers (any caller's
   * {@code X-Forwarded-For} becomes its address: the shield's budgets and bans are its to choose).
   */
  @Bean
  static org.springframework.beans.factory.SmartInitializingSingleton monetizeStartupWarnings(
      org.springframework.beans.factory.ListableBeanFactory beans, org.springframework.core.env.Environment env) {
    return () -> {
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MonetizeWebConfiguration.class);
      // Spring Boot's own chains, there only when the application declares none: a login for every request
      if (beans.containsBean("defaultSecurityFilterChain") || beans.containsBean("managementSecurityFilterChain")) {
        log.warn("Spring Security's default filter chain asks every request for a login, the API's included: "
            + "the engine admits and bills a call with a valid key that the chain then refuses with 401. Declare a "
            + "SecurityFilterChain that permits the API's routes and /monetize/** and leaves them out of CSRF "
            + "(their credential is the API key): see docs/spring-boot.md, Spring Security");
      }
      if ("framework".equalsIgnoreCase(env.getProperty("server.forward-headers-strategy", "").trim())) {
        log.warn("server.forward-headers-strategy=framework makes any caller's X-Forwarded-For its address, so "
            + "the shield's per-address budgets and bans (and the audit trail's addresses) are the caller's to "
            + "choose: remove it and set monetize.trusted-proxies to your proxies' addresses instead (the engine "
            + "then reads the forwarding headers only from them)");
      }
    };
  }

  /** The dispatcher servlet's path ({@code spring.mvc.servlet.path}) without its trailing slash: "" at the root. */
  static String servletPrefix(org.springframework.core.env.Environment env) {
    String path = env.getProperty("spring.mvc.servlet.path", "/").trim();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /**
   * Actuator's web base path when Actuator serves on the application's own port: its endpoints
   * (health probes come without a key) are left to Actuator's exposure settings and Spring Security.
   */
  private static String actuatorPrefix(org.springframework.core.env.Environment env) {
    if (!org.springframework.util.ClassUtils.isPresent("org.springframework.boot.actuate.health.HealthIndicator",
        MonetizeWebConfiguration.class.getClassLoader())) {
      return "";
    }
    // as Spring Boot decides it (ManagementPortType): a port of its own never reaches this filter
    String managementPort = env.getProperty("management.server.port");
    String serverPort = env.getProperty("server.port");
    boolean samePort = managementPort == null || serverPort == null && managementPort.equals("8080")
        || !managementPort.equals("0") && managementPort.equals(serverPort);
    if (!samePort) {
      return "";
    }
    String base = env.getProperty("management.endpoints.web.base-path", "/actuator").trim();
    if (!base.startsWith("/")) {
      base = "/" + base;
    }
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return base.isEmpty() ? "" : servletPrefix(env) + base;
  }

  /** Handler methods take the caller as an argument. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebMvcConfigurer.class)
  public static class Mvc implements WebMvcConfigurer {
    private final org.springframework.beans.factory.ObjectProvider<Monetize> monetize;
    private final org.springframework.core.env.Environment environment;

    /** The engine is looked up when first needed: its catalog reads Spring MVC's routes. */
    public Mvc(org.springframework.beans.factory.ObjectProvider<Monetize> monetize,
        org.springframework.core.env.Environment environment) {
      this.monetize = monetize;
      this.environment = environment;
    }

    @Override
    public void extendHandlerExceptionResolvers(
        List<org.springframework.web.servlet.HandlerExceptionResolver> resolvers) {
      resolvers.add(0, new dev.monetize.spring.internal.SpringProblems(monetize::getObject));
    }

    @Override
    public void addInterceptors(org.springframework.web.servlet.config.annotation.InterceptorRegistry registry) {
      registry.addInterceptor(new dev.monetize.spring.internal.RouteAgreement(monetize::getObject,
          servletPrefix(environment)));
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
      resolvers.add(new CallerArguments());
    }

    /** A handler's {@code Callable} or {@code StreamingResponseBody} runs with the caller's tenant. */
    @Override
    public void configureAsyncSupport(
        org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer configurer) {
      configurer.registerCallableInterceptors(new dev.monetize.spring.internal.TenantCallables());
    }

    /**
     * Spring Boot's multipart resolver (unless the application has one of its own, or turned multipart
     * off), with one change: only a {@code POST}, {@code PUT} or {@code PATCH} is read as multipart.
     * Spring reads a multipart body on any method, and {@code @RequestParam} takes its fields: a
     * {@code GET} could then choose its answer by parameters that are not in its query string, and so
     * in neither the audit trail, the response cache's key nor its usage.
     */
    @Bean(org.springframework.web.servlet.DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    @ConditionalOnMissingBean(org.springframework.web.multipart.MultipartResolver.class)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(prefix = "spring.servlet.multipart",
        name = "enabled", matchIfMissing = true)
    static org.springframework.web.multipart.support.StandardServletMultipartResolver multipartResolver(
        org.springframework.core.env.Environment environment) {
      org.springframework.boot.context.properties.bind.Binder binder =
          org.springframework.boot.context.properties.bind.Binder.get(environment);
      org.springframework.web.multipart.support.StandardServletMultipartResolver resolver =
          new org.springframework.web.multipart.support.StandardServletMultipartResolver() {
            @Override
            public boolean isMultipart(jakarta.servlet.http.HttpServletRequest request) {
              String method = request.getMethod();
              return ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method))
                  && super.isMultipart(request);
            }
          };
      resolver.setResolveLazily(binder.bind("spring.servlet.multipart.resolve-lazily", Boolean.class).orElse(false));
      resolver.setStrictServletCompliance(
          binder.bind("spring.servlet.multipart.strict-servlet-compliance", Boolean.class).orElse(false));
      return resolver;
    }

    /** The operations of handler methods annotated {@code @Monetized}, added to the plans file's. */
    @Bean
    @ConditionalOnMissingBean
    static HandlerOperations monetizeHandlerOperations(org.springframework.beans.factory.ListableBeanFactory beans,
        org.springframework.core.env.Environment environment) {
      return new SpringHandlerOperations(beans, servletPrefix(environment));
    }
  }
}
