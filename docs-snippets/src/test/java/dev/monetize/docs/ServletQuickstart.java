package dev.monetize.docs;

// tag::servlet[]
import dev.monetize.Monetize;
import dev.monetize.Principal;
import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Customer;
import dev.monetize.servlet.MonetizeFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
// end::servlet[]

/** README: the servlet filter in a service of your own. */
final class ServletQuickstart {
  private ServletQuickstart() {}

  static Monetize setUp(ServletContext servletContext, UsageSink billing) {
    // tag::servlet[]
    Monetize monetize = Monetize.builder()
        .catalog(CatalogLoader.load(Path.of("plans.yaml"))) // plans + route table, see docs/plans.md
        .environment(KeyEnvironment.LIVE)                  // mk_live_ keys only (the default; TEST for mk_test_)
        .usageSink(billing)                                // optional: where usage goes (a UsageSink of yours)
        .build();
    monetize.customers().save(Customer.of("acme", "pro"));
    // a customer's key with the scopes it needs; "*" would make it its organization's admin (keys:write)
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read")); // show key.secret() once
    servletContext.addFilter("monetize", new MonetizeFilter(monetize))
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    // end::servlet[]
    return monetize;
  }

  static String tenantOf(HttpServletRequest request) {
    // tag::servlet[]
    // in your servlets: the caller, to partition data by tenant
    Principal caller = MonetizeFilter.principal(request).orElseThrow();
    // end::servlet[]
    return caller.customerId();
  }
}
