package dev.monetize.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import org.junit.jupiter.api.Test;

/** The management API answers its prefix and the paths below it, and nothing that only starts alike. */
class ManagementPrefixTest {
  @Test
  void thePrefixAndWhatLiesBelowItAndNothingElse() {
    Plan free = Plan.builder("free").rate(dev.monetize.plans.Rate.perSecond(10))
        .quota(dev.monetize.plans.Quota.daily(100)).build();
    Catalog catalog = Catalog.builder().plan(free)
        .operation(Operation.builder("summary", "GET", "/v1/summary").build()).build();
    try (Monetize m = Monetize.builder().catalog(catalog).build()) {
      ManagementApi api = m.managementApi();
      assertThat(api.handles("/monetize")).isTrue();
      assertThat(api.handles("/monetize/")).isTrue();
      assertThat(api.handles("/monetize/keys")).isTrue();
      assertThat(api.handles("/monetizex")).isFalse();
      assertThat(api.handles("/monetize-keys")).isFalse();
      assertThat(api.handles("/monetiz")).isFalse();
      assertThat(api.handles("/")).isFalse();
      assertThat(api.handles("/v1/monetize")).isFalse();
      assertThat(api.handles("")).isFalse();
    }
  }
}
