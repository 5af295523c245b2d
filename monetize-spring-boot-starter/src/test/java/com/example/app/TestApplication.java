package com.example.app;

// tag::hello[]
import dev.monetize.Principal;
import dev.monetize.TenantContext;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
// end::hello[]
// tag::annotated[]
import dev.monetize.Monetized;
import org.springframework.web.bind.annotation.PathVariable;
// end::annotated[]
// tag::customizer[]
import dev.monetize.spring.MonetizeCustomizer;
import org.springframework.context.annotation.Bean;
// end::customizer[]
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A service with one monetized handler (declared in the plans file) and one outside the catalog. */
@SpringBootApplication
public class TestApplication {
  /** Quota warnings at 80 and 95 percent: a setting that is code, not a property. */
  // tag::customizer[]
  @Bean
  MonetizeCustomizer quotaWarnings() {
    return builder -> builder.quotaWarnings(80, 95);
  }
  // end::customizer[]

  /**
   * Spring Security guards the service's own admin pages; the API's routes are Monetize's, judged by
   * their key before this chain runs.
   */
  // tag::security[]
  @Bean
  org.springframework.security.web.SecurityFilterChain security(
      org.springframework.security.config.annotation.web.builders.HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(a -> a.requestMatchers("/admin/**").authenticated().anyRequest().permitAll())
        .httpBasic(org.springframework.security.config.Customizer.withDefaults())
        .csrf(c -> c.ignoringRequestMatchers("/v1/**", "/monetize/**")) // API keys, not cookies
        .build();
  }
  // end::security[]

  /**
   * An application's MVC configuration that needs the engine (an interceptor of its own, say): the
   * starter builds the engine with the other singletons, so this is no circular reference.
   */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Mvc implements org.springframework.web.servlet.config.annotation.WebMvcConfigurer {
    private final dev.monetize.Monetize monetize;

    Mvc(dev.monetize.Monetize monetize) {
      this.monetize = monetize;
    }

    @Override
    public void addInterceptors(org.springframework.web.servlet.config.annotation.InterceptorRegistry registry) {
      registry.addInterceptor(new org.springframework.web.servlet.HandlerInterceptor() {
        @Override
        public boolean preHandle(jakarta.servlet.http.HttpServletRequest request,
            jakarta.servlet.http.HttpServletResponse response, Object handler) {
          response.setHeader("X-Plans", Integer.toString(monetize.catalog().plans().size()));
          return true;
        }
      });
    }

    /** A dashboard on another origin reads the reports (Spring answers them {@code Vary: Origin}). */
    @Override
    public void addCorsMappings(org.springframework.web.servlet.config.annotation.CorsRegistry registry) {
      registry.addMapping("/v1/reports/**").allowedOrigins("https://dash.example").exposedHeaders("RateLimit");
    }
  }

  /**
   * An answer.
   *
   * @param customerId who asked
   * @param greetingText what to say
   */
  public record Greeting(String customerId, String greetingText) {}

  /**
   * A request.
   *
   * @param name whom to greet
   */
  public record GreetingRequest(String name) {}

  /** The handlers. */
  @RestController
  public static class Hello {
    /** Monetized: the caller is an argument, the tenant is open. */
    // tag::hello[]
    @GetMapping("/v1/hello")
    public Map<String, String> hello(Principal caller) {
      return Map.of("customer", caller.customerId(), "tenant", TenantContext.require(), "plan", caller.plan().name());
    }
    // end::hello[]

    /** Monetized by its annotation: not in the plans file. */
    // tag::annotated[]
    @GetMapping("/v1/reports/{name}")
    @Monetized(id = "reports.get", scope = "hello:read", price = "0.002", cacheTtlSeconds = 60)
    public Map<String, String> report(@PathVariable String name, Principal caller) {
      return Map.of("report", name, "customer", caller.customerId());
    }
    // end::annotated[]

    /** A typed handler: its request and answer types become the document's schemas. */
    @org.springframework.web.bind.annotation.PostMapping("/v1/greetings")
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.CREATED)
    @Monetized(id = "greetings.create", scope = "hello:read")
    public Greeting greet(@org.springframework.web.bind.annotation.RequestBody GreetingRequest request,
        Principal caller) {
      return new Greeting(caller.customerId(), "Hello, " + request.name());
    }

    /** A streamed answer: written on Spring's task executor, with the caller's tenant current there too. */
    @GetMapping("/v1/stream")
    @Monetized(id = "stream.get", scope = "hello:read")
    public org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody stream() {
      return out -> out.write(("tenant " + TenantContext.require()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Two routes that both match {@code /v1/items/reports}: Spring and Monetize would pick differently. */
    @GetMapping("/v1/{org}/reports")
    @Monetized(id = "reports.of", scope = "hello:read")
    public String reportsOf(@PathVariable String org) {
      return "reports of " + org;
    }

    /** See {@link #reportsOf}. */
    @GetMapping("/v1/items/{id}")
    @Monetized(id = "items.get", scope = "hello:read")
    public String item(@PathVariable String id) {
      return "item " + id;
    }

    /** The service's own admin page: outside the API, behind Spring Security ({@code monetize.pass-through=/admin}). */
    @GetMapping("/admin/ping")
    public String adminPing(java.util.Optional<Principal> caller) {
      return caller.isPresent() ? "pong to a customer" : "pong";
    }

    /** Monetized, with a parameter Spring checks: a missing or malformed one is a refusal of the API. */
    @GetMapping("/v1/search")
    @Monetized(id = "search", scope = "hello:read")
    public String search(@org.springframework.web.bind.annotation.RequestParam int limit) {
      return "searched " + limit;
    }

    /** Monetized, taking an upload: a multipart body the container reads into parts. */
    @org.springframework.web.bind.annotation.PostMapping("/v1/uploads")
    @Monetized(id = "uploads", scope = "hello:read")
    public String upload(@org.springframework.web.bind.annotation.RequestParam("file")
        org.springframework.web.multipart.MultipartFile file) {
      return "uploaded " + file.getSize();
    }

    /** Monetized, failing the application's own ways: each is problem JSON like every other error. */
    @GetMapping("/v1/refusals/{how}")
    @Monetized(id = "refusals", scope = "hello:read")
    public String refuse(@PathVariable String how, jakarta.servlet.http.HttpServletResponse response)
        throws java.io.IOException {
      switch (how) {
        case "status" -> throw new org.springframework.web.server.ResponseStatusException(
            org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE, "database pool exhausted");
        case "annotated" -> throw new Conflict();
        default -> response.sendError(403, "tenant 7 is suspended for unpaid invoice 42");
      }
      return "unreachable";
    }

    /** An application's exception mapped to 409 by its annotation. */
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.CONFLICT)
    static final class Conflict extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Conflict() {
        super("order 42 already shipped");
      }
    }

    /** Not in the plans: the filter answers 404 before it runs. */
    @GetMapping("/internal/secret")
    public String secret() {
      return "should never be served";
    }
  }
}
