package dev.monetize.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Concurrency;
import dev.monetize.plans.LimitScope;
import dev.monetize.plans.Overage;
import dev.monetize.plans.StoreOutage;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a {@link Catalog} from a YAML or JSON document. Every mistake is reported as a
 * {@link ConfigException} naming the file, the field path and what is allowed; unknown fields are
 * mistakes too (a typo must not silently drop a limit).
 *
 * <pre>{@code
 * plans:
 *   free:
 *     rank: 0
 *     rate: { count: 5, period: 1s, burst: 5 }
 *     quotas: [ { limit: 1000, window: day } ]
 *     scopes: ["stats:*"]
 * operations:
 *   - { id: stats.summary, method: GET, path: /v1/stats/summary, scope: "stats:read" }
 * }</pre>
 * <pre>{@code
 * Catalog catalog = CatalogLoader.load(Path.of("plans.yaml"));
 * }</pre>
 */
public final class CatalogLoader extends Nodes {
  static {
    dev.monetize.config.internal.JacksonVersions.require(); // a mixed class path fails here, saying what to do
  }

  private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final Set<String> ROOT_FIELDS = Set.of("plans", "operations", "shield", "costs", "tier_rules");
  private static final Set<String> PLAN_FIELDS =
      Set.of("rank", "rate", "quotas", "scopes", "features", "prices", "concurrency", "prepaid", "overage", "fee",
          "currency", "minimum", "sla", "requires_approval");
  private static final Set<String> RATE_FIELDS = Set.of("count", "period", "burst", "scope", "on_outage");
  private static final Set<String> QUOTA_FIELDS = Set.of("name", "limit", "window", "scope", "on_outage");
  private static final Set<String> CONCURRENCY_FIELDS = Set.of("limit", "scope", "on_outage");
  private static final Set<String> OPERATION_FIELDS =
      Set.of("id", "method", "path", "scope", "minimum_plan", "price", "cost", "cache", "max_body",
      "audit_query", "version", "lifecycle", "version_from");
  private static final Set<String> CACHE_FIELDS = Set.of("ttl", "stale_while_revalidate", "stale_if_error", "tags",
      "query", "shared");

  private CatalogLoader(String source) {
    super(source);
  }

  /** The largest plans file read: far above any real one, and what the YAML parser takes in one document. */
  static final long MAX_FILE_BYTES = 3L * 1024 * 1024;

  /** Loads a file; {@code .json} is read as JSON, anything else as YAML. */
  public static Catalog load(Path file) {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw new ConfigException(name, "", "is a directory, not a plans file");
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) { // refused before it is parsed: a huge file takes minutes and gigabytes
        throw new ConfigException(name, "", "is " + Files.size(file) + " bytes; a plans file is at most "
            + MAX_FILE_BYTES + " bytes");
      }
    } catch (IOException e) {
      throw new ConfigException(name, "", "cannot read the file: " + why(e));
    }
    try (InputStream in = Files.newInputStream(file)) {
      return load(name, in);
    } catch (IOException e) {
      throw new ConfigException(name, "", "cannot read the file: " + why(e));
    }
  }

  /** What went wrong reading, in words (the JDK's exceptions name only the path, or only the byte). */
  private static String why(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.io.CharConversionException || e instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage();
  }

  /**
   * Loads a document from a stream; {@code sourceName} is used in messages and picks the format
   * ({@code .json} is JSON, anything else YAML, which also accepts JSON).
   */
  public static Catalog load(String sourceName, InputStream in) {
    ObjectMapper mapper = sourceName.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
    JsonNode root;
    try {
      byte[] document = in.readAllBytes();
      dev.monetize.config.internal.DocumentGuard.refuseWhatReadsWrong(sourceName, mapper, document);
      root = mapper.readTree(document);
    } catch (ConfigException e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 1 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new ConfigException(sourceName, "", "not valid " + (mapper == JSON ? "JSON" : "YAML") + where
          + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(sourceName, "", "cannot read: " + why(e));
    } catch (RuntimeException e) {
      // the YAML parser has a few failure modes that are not JsonProcessingExceptions
      throw new ConfigException(sourceName, "", "not valid YAML: " + firstLine(e.getMessage()));
    }
    return new CatalogLoader(sourceName).catalog(root);
  }

  /**
   * One plan in the plans file's syntax, named {@code name} (a what-if candidate): the same checks,
   * the same messages, with paths under {@code plan}.
   *
   * @throws ConfigException naming what is wrong
   */
  public static Plan parsePlan(String sourceName, String name, JsonNode definition) {
    CatalogLoader loader = new CatalogLoader(sourceName);
    if (definition == null || !definition.isObject()) {
      throw loader.fail("plan", "a plan in the plans file's syntax: {rank, rate, quotas, prices, fee, ...}");
    }
    Plan plan = loader.plan(name, definition, "plan");
    if (definition.hasNonNull("sla")) { // checked as the plans file checks it, though no price depends on it
      new InsightReader(sourceName).sla(definition.get("sla"), "plan.sla");
    }
    return plan;
  }

  /** Loads a document held in a string. */
  public static Catalog parse(String sourceName, String document) {
    return load(sourceName, new java.io.ByteArrayInputStream(document.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private Catalog catalog(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw fail("", "the document is empty; expected a mapping with 'plans' and 'operations'");
    }
    object(root, "", ROOT_FIELDS);
    Catalog.Builder b = Catalog.builder();
    JsonNode plans = root.get("plans");
    if (plans == null || !plans.isObject() || plans.isEmpty()) {
      throw fail("plans", "required: a mapping of plan name to plan, with at least one plan");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = plans.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = "plans." + e.getKey();
      Plan plan = plan(e.getKey(), e.getValue(), path);
      guard(path, () -> b.plan(plan));
      if (flag(e.getValue(), "requires_approval", path)) {
        b.requiresApproval(plan.name());
      }
      if (e.getValue().hasNonNull("sla")) {
        b.sla(plan.name(), new InsightReader(source).sla(e.getValue().get("sla"), path + ".sla"));
      }
    }
    JsonNode ops = root.get("operations");
    if (ops != null && !ops.isNull()) {
      if (!ops.isArray()) {
        throw fail("operations", "must be a list of operations");
      }
      for (int i = 0; i < ops.size(); i++) {
        String path = "operations[" + i + "]";
        Operation op = operation(ops.get(i), path);
        guard(path, () -> b.operation(op));
      }
    }
    if (root.hasNonNull("shield")) {
      b.shield(new ShieldReader(source).read(root.get("shield"), "shield"));
    }
    if (root.hasNonNull("costs")) {
      b.costs(new InsightReader(source).costs(root.get("costs"), "costs"));
    }
    JsonNode rules = root.get("tier_rules");
    if (rules != null && !rules.isNull()) {
      if (!rules.isArray()) {
        throw fail("tier_rules", "must be a list of rules");
      }
      for (int i = 0; i < rules.size(); i++) {
        String path = "tier_rules[" + i + "]";
        dev.monetize.plans.TierRule rule = tierRule(rules.get(i), path);
        guard(path, () -> b.tierRule(rule));
      }
    }
    Catalog[] built = new Catalog[1];
    guard("", () -> built[0] = b.build());
    return built[0];
  }

  private Plan plan(String name, JsonNode node, String path) {
    object(node, path, PLAN_FIELDS);
    Plan.Builder b = guard(path, () -> Plan.builder(name));
    b.rank((int) integer(node, "rank", path, 0, 1000, 0));
    JsonNode rate = node.get("rate");
    if (rate == null) {
      throw fail(path + ".rate", "required: {count, period, burst}");
    }
    object(rate, path + ".rate", RATE_FIELDS);
    long count = integer(rate, "count", path + ".rate", 1, 1_000_000_000, -1);
    Duration period = duration(rate, "period", path + ".rate", Duration.ofSeconds(1));
    long burst = integer(rate, "burst", path + ".rate", 0, 1_000_000_000, 0);
    LimitScope rateScope = scope(rate, path + ".rate");
    StoreOutage rateOutage = outage(rate, path + ".rate", StoreOutage.FAIL_OPEN);
    b.rate(guard(path + ".rate", () -> new Rate(count, period, burst, rateScope, rateOutage)));
    JsonNode quotas = node.get("quotas");
    if (quotas == null || !quotas.isArray() || quotas.isEmpty()) {
      throw fail(path + ".quotas", "required: a list with at least one quota {limit, window, name?}");
    }
    for (int i = 0; i < quotas.size(); i++) {
      String qp = path + ".quotas[" + i + "]";
      JsonNode q = quotas.get(i);
      object(q, qp, QUOTA_FIELDS);
      long limit = integer(q, "limit", qp, 1, Long.MAX_VALUE / 4, -1);
      QuotaWindow window = window(q, qp);
      String qname = text(q, "name", qp, window.defaultPolicyName());
      LimitScope qscope = scope(q, qp);
      StoreOutage qoutage = outage(q, qp, StoreOutage.FAIL_CLOSED);
      b.quota(guard(qp, () -> new Quota(qname, limit, window, qscope, qoutage)));
    }
    JsonNode concurrency = node.get("concurrency");
    if (concurrency != null && !concurrency.isNull()) {
      String cp = path + ".concurrency";
      object(concurrency, cp, CONCURRENCY_FIELDS);
      long climit = integer(concurrency, "limit", cp, 1, 1_000_000, -1);
      LimitScope cscope = scope(concurrency, cp);
      StoreOutage coutage = outage(concurrency, cp, StoreOutage.FAIL_OPEN);
      b.concurrency(guard(cp, () -> new Concurrency(climit, cscope, coutage)));
    }
    if (node.hasNonNull("prepaid")) {
      b.prepaid(flag(node, "prepaid", path));
    }
    b.overage(choice(node, "overage", path, Overage.class, Overage.BLOCK));
    if (node.has("scopes")) { // absent: every scope; present, it must name some (an empty list is no shorthand for '*')
      List<String> scopes = strings(node, "scopes", path);
      if (scopes.isEmpty()) {
        throw fail(path + ".scopes", "must list at least one scope; leave the field out to allow every scope ('*')");
      }
      b.scopes(scopes.toArray(String[]::new));
    }
    b.features(strings(node, "features", path).toArray(String[]::new));
    new PricesReader(source).read(node, path, b);
    return guard(path, b::build);
  }

  private dev.monetize.plans.TierRule tierRule(JsonNode node, String path) {
    object(node, path, Set.of("name", "from", "to", "when", "action"));
    JsonNode when = node.get("when");
    if (when == null || !when.isObject()) {
      throw fail(path + ".when", "required: {quota, used_at_least, days, of_last_days} or {used_below, periods}");
    }
    dev.monetize.plans.TierRule.Condition condition;
    String wp = path + ".when";
    if (when.has("quota")) {
      object(when, wp, Set.of("quota", "used_at_least", "days", "of_last_days"));
      condition = guard(wp, () -> new dev.monetize.plans.TierRule.QuotaPressure(requiredText(when, "quota", wp),
          (int) integer(when, "used_at_least", wp, 1, 100, -1), (int) integer(when, "days", wp, 1, 90, -1),
          (int) integer(when, "of_last_days", wp, 1, 90, -1)));
    } else {
      object(when, wp, Set.of("used_below", "periods"));
      condition = guard(wp, () -> new dev.monetize.plans.TierRule.LowUse((int) integer(when, "used_below", wp, 1, 100, -1),
          (int) integer(when, "periods", wp, 1, 12, -1)));
    }
    dev.monetize.plans.TierRule.Action action = choice(node, "action", path, dev.monetize.plans.TierRule.Action.class,
        dev.monetize.plans.TierRule.Action.SUGGEST);
    return guard(path, () -> new dev.monetize.plans.TierRule(requiredText(node, "name", path),
        requiredText(node, "from", path), requiredText(node, "to", path), condition, action));
  }

  private dev.monetize.plans.Lifecycle lifecycle(JsonNode node, String path) {
    object(node, path, Set.of("deprecated", "sunset", "successor", "guide"));
    if (!node.hasNonNull("deprecated")) {
      throw fail(path + ".deprecated", "required: the date the version is deprecated from, such as 2026-06-01");
    }
    java.time.Instant deprecated = when(node, "deprecated", path);
    java.util.Optional<java.time.Instant> sunset = node.hasNonNull("sunset") ? java.util.Optional.of(when(node, "sunset",
        path)) : java.util.Optional.empty();
    java.util.Optional<String> successor = node.hasNonNull("successor")
        ? java.util.Optional.of(requiredText(node, "successor", path)) : java.util.Optional.empty();
    java.util.Optional<java.net.URI> guide = java.util.Optional.empty();
    if (node.hasNonNull("guide")) {
      try {
        guide = java.util.Optional.of(new java.net.URI(requiredText(node, "guide", path)));
      } catch (java.net.URISyntaxException e) {
        throw fail(path + ".guide", "must be a URL or a path, such as https://example.com/docs/migrations/v1-to-v2");
      }
    }
    java.util.Optional<java.net.URI> g = guide;
    return guard(path, () -> new dev.monetize.plans.Lifecycle(deprecated, sunset, successor, g));
  }

  /** A date ({@code 2026-06-01}, midnight UTC) or an RFC 3339 instant. */
  private java.time.Instant when(JsonNode node, String field, String path) {
    String text = requiredText(node, field, path);
    try {
      return text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
          : java.time.Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw fail(path + "." + field, "a date such as 2026-06-01 or an instant such as 2026-06-01T00:00:00Z");
    }
  }

  private Operation operation(JsonNode node, String path) {
    object(node, path, OPERATION_FIELDS);
    String id = requiredText(node, "id", path);
    String method = requiredText(node, "method", path).toUpperCase(Locale.ROOT);
    String route = requiredText(node, "path", path);
    Operation.Builder b = Operation.builder(id, method, route);
    b.scope(text(node, "scope", path, id));
    if (node.hasNonNull("minimum_plan")) {
      b.minimumPlan(requiredText(node, "minimum_plan", path));
    }
    if (node.hasNonNull("price")) {
      b.price(new PricesReader(source).shortPrice(node.get("price"), path + ".price"));
    }
    b.cost(integer(node, "cost", path, 1, Operation.MAX_COST, 1));
    b.maxBodyBytes(bytes(node, "max_body", path, Operation.DEFAULT_MAX_BODY));
    b.auditQuery(strings(node, "audit_query", path));
    if (node.hasNonNull("version")) {
      b.version(requiredText(node, "version", path));
    }
    if (node.hasNonNull("lifecycle")) {
      b.lifecycle(lifecycle(node.get("lifecycle"), path + ".lifecycle"));
    }
    if (node.hasNonNull("version_from")) {
      String from = requiredText(node, "version_from", path);
      if (!from.equals("path") && !from.equals("header")) {
        throw fail(path + ".version_from", "must be path (the default: each version has its own path) or header "
            + "(versions of one path chosen by Api-Version)");
      }
      b.versionByHeader(from.equals("header"));
    }
    if (node.hasNonNull("cache")) {
      String cp = path + ".cache";
      JsonNode cache = node.get("cache");
      object(cache, cp, CACHE_FIELDS);
      if (!cache.hasNonNull("ttl")) {
        throw fail(cp + ".ttl", "required: how long answers are served from the cache, such as 60s (1s to 1d)");
      }
      java.time.Duration ttl = duration(cache, "ttl", cp, null);
      java.time.Duration swr = duration(cache, "stale_while_revalidate", cp, java.time.Duration.ZERO);
      java.time.Duration sie = duration(cache, "stale_if_error", cp, java.time.Duration.ZERO);
      java.util.List<String> tags = strings(cache, "tags", cp);
      boolean shared = flag(cache, "shared", cp);
      dev.monetize.plans.CachePolicy policy = guard(cp, () -> new dev.monetize.plans.CachePolicy(ttl, swr, sie,
          java.util.Set.copyOf(tags), cache.has("query") ? java.util.Optional.of(java.util.Set.copyOf(
              strings(cache, "query", cp))) : java.util.Optional.empty(), shared));
      b.cache(policy);
    }
    Operation op = guard(path, b::build);
    guard(path + ".path", () -> dev.monetize.http.PathTemplate.parse(route));
    return op;
  }


  private QuotaWindow window(JsonNode node, String path) {
    String w = requiredText(node, "window", path);
    switch (w.toLowerCase(Locale.ROOT)) {
      case "minute":
        return QuotaWindow.MINUTE;
      case "hour":
        return QuotaWindow.HOUR;
      case "day":
        return QuotaWindow.DAY;
      case "month":
        return QuotaWindow.MONTH;
      default:
        throw fail(path + ".window", "must be one of minute, hour, day, month; got '" + w + "'");
    }
  }

  private LimitScope scope(JsonNode node, String path) {
    return choice(node, "scope", path, LimitScope.class, LimitScope.CUSTOMER);
  }

  private StoreOutage outage(JsonNode node, String path, StoreOutage fallback) {
    JsonNode v = node.get("on_outage");
    if (v == null || v.isNull()) {
      return fallback;
    }
    String s = v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : "";
    return switch (s) {
      case "open" -> StoreOutage.FAIL_OPEN;
      case "closed" -> StoreOutage.FAIL_CLOSED;
      default -> throw fail(path + ".on_outage", "must be 'open' or 'closed'; got " + abbreviate(v.toString()));
    };
  }

  private <E extends Enum<E>> E choice(JsonNode node, String field, String path, Class<E> type, E fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    java.util.List<String> allowed = new java.util.ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(Locale.ROOT);
      allowed.add(name);
      if (v.isTextual() && v.asText().toLowerCase(Locale.ROOT).equals(name)) {
        return e;
      }
    }
    throw fail(path + "." + field, "must be one of " + String.join(", ", allowed) + "; got " + abbreviate(v.toString()));
  }





  private List<String> strings(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw fail(path + "." + field, "must be a list of strings; got " + v);
    }
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw fail(path + "." + field + "[" + i + "]", "must be a string; got " + v.get(i));
      }
      out.add(v.get(i).asText());
    }
    return out;
  }






  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable document";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

}
