package dev.monetize.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.QuotaWindow;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogLoaderTest {
  static String valid() throws Exception {
    try (InputStream in = CatalogLoaderTest.class.getResourceAsStream("/plans-valid.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void loadsAValidDocument() throws Exception {
    Catalog c = CatalogLoader.parse("plans.yaml", valid());
    Plan free = c.plan("free").orElseThrow();
    assertThat(free.rate().count()).isEqualTo(5);
    assertThat(free.rate().period()).isEqualTo(Duration.ofSeconds(1));
    assertThat(free.rate().burst()).isEqualTo(5);
    assertThat(free.quotas()).singleElement().satisfies(q -> {
      assertThat(q.name()).isEqualTo("daily");
      assertThat(q.window()).isEqualTo(QuotaWindow.DAY);
    });
    Plan pro = c.plan("pro").orElseThrow();
    assertThat(pro.quotas()).extracting(q -> q.name()).containsExactly("daily", "monthly");
    assertThat(pro.prices().get("export").amount()).isEqualByComparingTo(new BigDecimal("0.005"));
    Operation export = c.operation("export").orElseThrow();
    assertThat(export.method()).isEqualTo("GET");
    assertThat(export.cost()).isEqualTo(10);
    assertThat(c.allows(free, export)).isFalse();
    assertThat(c.allows(pro, export)).isTrue();
    assertThat(c.lowestPlanAllowing(export)).contains(pro);
  }

  @Test
  void cachedOperationsTakeTtlStaleWindowsTagsQueryAndSharedAndRefuseTheRest() {
    String doc = """
        plans:
          free: { rate: { count: 1 }, quotas: [ { limit: 5, window: day } ] }
        operations:
          - id: summary
            method: GET
            path: /v1/summary
            cache: { ttl: 60s, stale_while_revalidate: 30s, stale_if_error: 10m, tags: [stats], query: [from], shared: true }
        """;
    dev.monetize.plans.CachePolicy p = CatalogLoader.parse("plans.yaml", doc).operation("summary").orElseThrow().cache()
        .orElseThrow();
    assertThat(p.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.staleIfError()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.retention()).isEqualTo(Duration.ofMinutes(11));
    assertThat(p.tags()).containsExactly("stats");
    assertThat(p.queryParameters()).contains(java.util.Set.of("from"));
    assertThat(p.shared()).isTrue();
    assertThat(CatalogLoader.parse("plans.yaml", doc.replace(", stale_while_revalidate: 30s, stale_if_error: 10m", ""))
        .operation("summary").orElseThrow().cache().orElseThrow().staleIfError()).isZero();
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("stale_if_error: 10m", "stale_if_error: 2d")))
        .hasMessageContaining("operations[0].cache").hasMessageContaining("stale-if-error window is 0 s to 1 day");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("stale_if_error: 10m", "stale_if_eror: 10m")))
        .hasMessageContaining("operations[0].cache").hasMessageContaining("stale_if_eror");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("stale_if_error: 10m", "stale_if_error: soon")))
        .hasMessageContaining("operations[0].cache.stale_if_error: must be a duration");
  }

  @Test
  void slaTargetsAndTheCostModelAreReadAndEveryMistakeIsNamed() {
    String doc = """
        plans:
          free:
            rate: { count: 1 }
            quotas: [ { limit: 5, window: day } ]
            sla: { latency_p99: 300ms, availability: "99.9" }
        operations:
          - { id: summary, method: GET, path: /v1/summary }
        costs:
          currency: USD
          per_call: "0.00002"
          per_gib_out: "0.09"
          fixed_monthly: "400.00"
          operations:
            summary: { per_call: "0.0001" }
        """;
    Catalog c = CatalogLoader.parse("plans.yaml", doc);
    assertThat(c.sla("free").orElseThrow().latencyP99()).contains(Duration.ofMillis(300));
    assertThat(c.sla("free").orElseThrow().availability()).contains(new java.math.BigDecimal("99.9"));
    dev.monetize.plans.CostModel costs = c.costs().orElseThrow();
    assertThat(costs.currency().getCurrencyCode()).isEqualTo("USD");
    assertThat(costs.perCall("summary")).isEqualByComparingTo("0.0001");
    assertThat(costs.perCall("other")).isEqualByComparingTo("0.00002");
    assertThat(costs.perCpuMs()).isZero();
    assertThat(costs.fixedMonthly()).isEqualByComparingTo("400");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("availability: \"99.9\"",
        "availability: \"120\""))).hasMessageContaining("plans.free.sla").hasMessageContaining("at most 100");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("latency_p99: 300ms", "latency_p99: 2d")))
        .hasMessageContaining("latency_p99");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("per_call: \"0.00002\"", "per_call: 0.00002")))
        .hasMessageContaining("costs.per_call").hasMessageContaining("quoted decimal");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("    summary: { per_call", "    sumary: { per_call")))
        .hasMessageContaining("unknown operation 'sumary'");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("  currency: USD\n", "")))
        .hasMessageContaining("costs.currency").hasMessageContaining("required");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("fixed_monthly", "fixed_monthy")))
        .hasMessageContaining("costs.fixed_monthy: unknown field");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("  currency: USD\n", "  currency: EUR\n")
        .replace("quotas: [ { limit: 5, window: day } ]", "quotas: [ { limit: 5, window: day } ]\n    currency: USD\n"
            + "    fee: \"1.00\""))).hasMessageContaining("plan 'free' bills in USD but costs are in EUR");
  }

  @Test
  void theShieldSectionSetsListsBudgetAndBansAndNamesWhatIsWrong() {
    String doc = """
        plans:
          free: { rate: { count: 1 }, quotas: [ { limit: 5, window: day } ] }
        shield:
          allow: ["10.20.0.0/16"]
          deny: ["198.51.100.0/24", "2001:db8:bad::/48"]
          unauthenticated: { count: 5, period: 1s, burst: 10 }
          ban: { after: 20, window: 2m, first: 5m, longest: 1h }
          limit_private: true
        """;
    dev.monetize.shield.ShieldPolicy p = CatalogLoader.parse("plans.yaml", doc).shield();
    assertThat(p.allow()).extracting(Object::toString).containsExactly("10.20.0.0/16");
    assertThat(p.deny()).extracting(Object::toString).containsExactly("198.51.100.0/24", "2001:db8:bad:0:0:0:0:0/48");
    assertThat(p.unauthenticated().count()).isEqualTo(5);
    assertThat(p.unauthenticated().burst()).isEqualTo(10);
    assertThat(p.banAfter()).isEqualTo(20);
    assertThat(p.banWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(p.firstBan()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.longestBan()).isEqualTo(Duration.ofHours(1));
    assertThat(p.limitPrivate()).isTrue();
    assertThat(CatalogLoader.parse("plans.yaml", doc.substring(0, doc.indexOf("shield:"))).shield())
        .isEqualTo(dev.monetize.shield.ShieldPolicy.defaults());
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("198.51.100.0/24", "198.51.100.0/40")))
        .hasMessageContaining("shield.deny[0]").hasMessageContaining("prefix length of a CIDR must be 0..32");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("first: 5m, longest: 1h",
        "first: 2h, longest: 1h"))).hasMessageContaining("shield").hasMessageContaining("shorter than the first");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("limit_private", "limit_privat")))
        .hasMessageContaining("limit_privat");
  }

  @Test
  void anOperationsBodyLimitIsBytesOrASizeAndOneMebibyteByDefault() {
    String doc = """
        plans:
          free: { rate: { count: 1 }, quotas: [ { limit: 5, window: day } ] }
        operations:
          - { id: a, method: POST, path: /a, max_body: 64KiB }
          - { id: b, method: POST, path: /b, max_body: 500 }
          - { id: c, method: POST, path: /c }
        """;
    Catalog c = CatalogLoader.parse("plans.yaml", doc);
    assertThat(c.operation("a").orElseThrow().maxBodyBytes()).isEqualTo(65_536);
    assertThat(c.operation("b").orElseThrow().maxBodyBytes()).isEqualTo(500);
    assertThat(c.operation("c").orElseThrow().maxBodyBytes()).isEqualTo(Operation.DEFAULT_MAX_BODY);
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("64KiB", "2GiB")))
        .hasMessageContaining("operations[0].max_body: must be a size from 1 byte to 1GiB");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("64KiB", "64kb")))
        .hasMessageContaining("operations[0].max_body");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("max_body: 500", "max_body: 0")))
        .hasMessageContaining("operations[1].max_body");
  }

  @Test
  void jsonWorksToo() {
    String json = "{\"plans\":{\"free\":{\"rate\":{\"count\":1},\"quotas\":[{\"limit\":5,\"window\":\"minute\"}]}}}";
    Catalog c = CatalogLoader.parse("plans.json", json);
    assertThat(c.plan("free").orElseThrow().quotas().get(0).window()).isEqualTo(QuotaWindow.MINUTE);
  }

  @Test
  void errorsNameTheFileTheFieldAndWhatIsAllowed() throws Exception {
    String doc = valid();
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("count: 5", "count: -5")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("plans.yaml: plans.free.rate.count: must be a whole number from 1 to 1000000000; got -5");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("window: day }", "window: week }")))
        .hasMessageContaining("plans.free.quotas[0].window: must be one of minute, hour, day, month; got 'week'");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("rank: 10", "rnak: 10")))
        .hasMessageContaining("plans.pro.rnak: unknown field; allowed here: [concurrency, currency, features, fee, minimum, overage, prepaid, prices, quotas, rank, rate, requires_approval, scopes, sla]");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("minimum_plan: pro", "minimum_plan: gold")))
        .hasMessageContaining("minimum plan 'gold' is not a plan");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("period: 1s", "period: soon")))
        .hasMessageContaining("plans.free.rate.period: must be a duration such as 500ms, 1s, 1m, 1h, 1d");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("currency: USD, unit: call }\n  - id: export",
        "currency: XXY, unit: call }\n  - id: export")))
        .hasMessageContaining("operations[0].price.currency: must be an ISO 4217 currency code");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", "plans: [")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("plans.yaml: not valid YAML");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", "")).hasMessageContaining("the document is empty");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", "plans:\n  free: {}\n  free: {}\n"))
        .hasMessageContaining("not valid YAML").hasMessageContaining("Duplicate field 'free'");
  }

  @Test
  void limitKindsScopesOutagesAndOverageAreRead() {
    String yaml = """
        plans:
          payg:
            rank: 5
            rate: { count: 10, period: 1s, burst: 20, scope: ip, on_outage: closed }
            quotas:
              - { name: per-key, limit: 100, window: hour, scope: key, on_outage: open }
              - { limit: 1000, window: day }
            concurrency: { limit: 4, scope: operation }
            prepaid: true
            overage: degrade
            fee: { amount: "29.00", currency: EUR }
            prices:
              summary: { amount: "0.25", currency: EUR, unit: call }
        operations:
          - { id: summary, method: GET, path: /v1/stats/summary }
        """;
    Plan p = CatalogLoader.parse("plans.yaml", yaml).plan("payg").orElseThrow();
    assertThat(p.rate().scope()).isEqualTo(dev.monetize.plans.LimitScope.IP);
    assertThat(p.rate().onOutage()).isEqualTo(dev.monetize.plans.StoreOutage.FAIL_CLOSED);
    assertThat(p.quotas().get(0).scope()).isEqualTo(dev.monetize.plans.LimitScope.KEY);
    assertThat(p.quotas().get(0).onOutage()).isEqualTo(dev.monetize.plans.StoreOutage.FAIL_OPEN);
    assertThat(p.quotas().get(1).onOutage()).isEqualTo(dev.monetize.plans.StoreOutage.FAIL_CLOSED);
    assertThat(p.concurrency()).hasValueSatisfying(c -> {
      assertThat(c.limit()).isEqualTo(4);
      assertThat(c.scope()).isEqualTo(dev.monetize.plans.LimitScope.OPERATION);
      assertThat(c.onOutage()).isEqualTo(dev.monetize.plans.StoreOutage.FAIL_OPEN);
    });
    assertThat(p.prepaid()).isTrue();
    assertThat(p.overage()).isEqualTo(dev.monetize.plans.Overage.DEGRADE);
    assertThat(p.fee()).hasValueSatisfying(f -> {
      assertThat(f.amount()).isEqualByComparingTo("29.00");
      assertThat(f.currency().getCurrencyCode()).isEqualTo("EUR");
      assertThat(f.unit()).isEqualTo("period");
    });
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", yaml.replace("amount: \"29.00\"", "amount: \"-1\"")))
        .hasMessageContaining("plans.payg.fee");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", yaml.replace("on_outage: closed", "on_outage: maybe")))
        .hasMessageContaining("plans.payg.rate.on_outage: must be 'open' or 'closed'; got");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", yaml.replace("overage: degrade", "overage: forgive")))
        .hasMessageContaining("plans.payg.overage");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", yaml.replace("prepaid: true", "prepaid: yes please")))
        .hasMessageContaining("plans.payg.prepaid: must be true or false");
    // no flag is read from a string or a number ("yes" unquoted is a YAML 1.1 boolean; JSON has none such)
    for (String notAFlag : new String[] {"\"true\"", "\"yes\"", "1"}) {
      assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", yaml.replace("prepaid: true",
          "prepaid: true\n    requires_approval: " + notAFlag)))
          .as(notAFlag).hasMessageContaining("plans.payg.requires_approval: must be true or false");
    }
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", yaml.replace("burst: 20", "burst: 20 }\n    # ")
        .replace("{ id: summary, method: GET, path: /v1/stats/summary }",
            "{ id: summary, method: GET, path: /v1/stats/summary, cost: 50 }")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("costs 50 units");
  }

  @Test
  void missingFileIsNamed() {
    assertThatThrownBy(() -> CatalogLoader.load(java.nio.file.Path.of("/nonexistent/plans.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/nonexistent/plans.yaml: cannot read the file");
  }

  /** What YAML reads otherwise than it was written is refused, naming the line (from a review of the plans file). */
  @Test
  void aliasesNumbersWithALeadingZeroAndASecondDocumentAreRefused() {
    String doc = """
        plans:
          free: { rank: 0, rate: { count: 10 }, quotas: [ { limit: 5, window: day } ], scopes: [ "stats:read" ] }
        operations:
          - { id: summary, method: GET, path: /v1/summary, scope: "stats:read" }
        """;
    assertThat(CatalogLoader.parse("plans.yaml", doc).plan("free").orElseThrow().rate().count()).isEqualTo(10);
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("[ \"stats:read\" ]", "[ &rs \"stats:read\" ]")
        .replace("scope: \"stats:read\"", "scope: *rs"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("anchors and aliases").hasMessageContaining("line 4");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("count: 10", "count: 010")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("the number 010 (line 2) is not plain decimal");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("count: 10", "count: 0x10")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not plain decimal");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc + "---\nplans: {}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("more than one document");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.json", "{\"plans\": {}} {\"plans\": {}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("more than one document");
  }

  /** An empty list of scopes is no shorthand for every scope: refused; a plan without the field allows every scope. */
  @Test
  void anEmptyListOfScopesIsRefusedAndAMissingOneAllowsEveryScope() {
    String doc = """
        plans:
          free: { rate: { count: 10 }, quotas: [ { limit: 5, window: day } ], scopes: [] }
        operations:
          - { id: export, method: GET, path: /v1/export, scope: "export:read" }
        """;
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("plans.free.scopes").hasMessageContaining("at least one scope");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("scopes: []", "scopes: ~")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("plans.free.scopes");
    assertThat(CatalogLoader.parse("plans.yaml", doc.replace(", scopes: []", "")).plan("free").orElseThrow().scopes())
        .containsExactly("*");
    assertThatThrownBy(() -> Plan.builder("free").scopes(new String[0]).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty list");
  }

  /** A minimum plan that shares its rank with another plan would let that plan in: refused. */
  @Test
  void aMinimumPlanSharingItsRankIsRefused() {
    String doc = """
        plans:
          free: { rate: { count: 10 }, quotas: [ { limit: 5, window: day } ] }
          pro: { rank: 1, rate: { count: 100 }, quotas: [ { limit: 50, window: day } ] }
        operations:
          - { id: export, method: GET, path: /v1/export, minimum_plan: pro }
        """;
    Catalog ranked = CatalogLoader.parse("plans.yaml", doc);
    assertThat(ranked.allows(ranked.plan("free").orElseThrow(), ranked.operation("export").orElseThrow())).isFalse();
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", doc.replace("rank: 1, ", "")))
        .hasMessageContaining("minimum plan 'pro' has rank 0 as plans [free] do");
  }
}
