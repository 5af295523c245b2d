package dev.monetize.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.PathTemplate;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OpenAPI 3.1 document generated from the same catalog that enforces the limits, so the
 * reference a paying customer reads can never disagree with what the service does. Every
 * operation lists both security schemes (API key header and bearer token), its required scope and
 * minimum plan, an {@code x-monetize} extension (cost, price, and per plan: allowed or not, price,
 * rate and quotas), and its error responses (401, 402, 403, 429, 503) with one shared problem
 * schema and the {@code RateLimit}, {@code RateLimit-Policy} and {@code Retry-After} headers.
 *
 * <pre>{@code
 * String json = OpenApi.of(monetize.catalog()).title("Analytics API").version("1.0").json();
 * }</pre>
 */
public final class OpenApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  private static final String PROBLEM = "#/components/schemas/Problem";

  private final Catalog catalog;
  private String title = "API";
  private String version = "1.0.0";
  private String description = "";
  private String docsBase = "https://monetize.dev";
  private Optional<String> server = Optional.empty();
  private ApiSchemas schemas = ApiSchemas.none();
  /** The schemas of one {@link #tree()} call: references made while the operations are written. */
  private dev.monetize.openapi.internal.TypeSchemas types;

  private OpenApi(Catalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** A document for {@code catalog}. */
  public static OpenApi of(Catalog catalog) {
    return new OpenApi(catalog);
  }

  /** {@code info.title}. */
  public OpenApi title(String t) {
    this.title = Objects.requireNonNull(t, "t");
    return this;
  }

  /** {@code info.version}. */
  public OpenApi version(String v) {
    this.version = Objects.requireNonNull(v, "v");
    return this;
  }

  /** {@code info.description}. */
  public OpenApi description(String d) {
    this.description = Objects.requireNonNull(d, "d");
    return this;
  }

  /** Base of the error catalog the problem types point at (default {@code https://monetize.dev}). */
  public OpenApi docsBase(String base) {
    this.docsBase = Objects.requireNonNull(base, "base");
    return this;
  }

  /** The request and response bodies' types: their schemas and examples join the document. */
  public OpenApi schemas(ApiSchemas s) {
    this.schemas = Objects.requireNonNull(s, "s");
    return this;
  }

  /** A server URL to list. */
  public OpenApi server(String url) {
    this.server = Optional.of(url);
    return this;
  }

  /** The document as a tree. */
  public synchronized ObjectNode tree() {
    types = schemas.isEmpty() ? null : new dev.monetize.openapi.internal.TypeSchemas(schemas.mapper());
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.1.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", title);
    info.put("version", version);
    if (!description.isEmpty()) {
      info.put("description", description);
    }
    server.ifPresent(url -> doc.putArray("servers").addObject().put("url", url));
    ObjectNode paths = doc.putObject("paths");
    Map<String, ObjectNode> byPath = new LinkedHashMap<>();
    Map<String, java.util.List<Operation>> byRoute = new LinkedHashMap<>();
    for (Operation op : catalog.operations()) {
      byRoute.computeIfAbsent(op.method() + " " + op.pathTemplate(), k -> new java.util.ArrayList<>()).add(op);
    }
    for (java.util.List<Operation> ops : byRoute.values()) {
      // versions of one route chosen by Api-Version: the current one, with the header among its parameters
      Operation shown = ops.stream().filter(o -> o.lifecycle().isEmpty()).reduce((a, b) -> b).orElse(ops.get(ops.size() - 1));
      ObjectNode item = byPath.computeIfAbsent(shown.pathTemplate(), p -> paths.putObject(p));
      ObjectNode o = operation(shown);
      if (ops.size() > 1 || shown.versionByHeader()) {
        ObjectNode header = (o.has("parameters") ? (ArrayNode) o.get("parameters") : o.putArray("parameters")).addObject();
        header.put("name", "Api-Version").put("in", "header").put("required", false)
            .put("description", "The version to answer; without it, the current one (" + shown.version().orElse("") + ").");
        ArrayNode values = header.putObject("schema").put("type", "string").putArray("enum");
        ops.forEach(x -> x.version().ifPresent(values::add));
      }
      item.set(shown.method().toLowerCase(java.util.Locale.ROOT), o);
    }
    ArrayNode versions = doc.putArray("x-monetize-versions"); // every version with its status (OWASP API9)
    for (Operation op : catalog.operations()) {
      if (op.version().isEmpty() && op.lifecycle().isEmpty()) {
        continue;
      }
      ObjectNode v = versions.addObject();
      v.put("operation", op.id());
      op.version().ifPresent(x -> v.put("version", x));
      // the document does not change with the clock: after sunset_at, a deprecated version answers 410
      v.put("status", op.lifecycle().isPresent() ? "deprecated" : "current");
      op.lifecycle().ifPresent(l -> {
        v.put("deprecated_at", l.deprecatedAt().toString());
        l.sunsetAt().ifPresent(x -> v.put("sunset_at", x.toString()));
        l.successor().ifPresent(x -> v.put("successor", x));
        l.guide().ifPresent(x -> v.put("migration_guide", x.toString()));
      });
    }
    ArrayNode tags = doc.putArray("x-monetize-plans");
    for (Plan p : catalog.plans()) {
      tags.add(planSummary(p));
    }
    ObjectNode components = components();
    if (types != null) {
      ObjectNode all = (ObjectNode) components.get("schemas");
      types.definitions().fields().forEachRemaining(e -> {
        if (!all.has(e.getKey())) { // Problem is ours: a type of the same name keeps the qualified name
          all.set(e.getKey(), e.getValue());
        }
      });
      types = null;
    }
    doc.set("components", components);
    return doc;
  }

  /** The document as JSON. */
  public String json() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The document as YAML. */
  public String yaml() {
    try {
      return YAML.writeValueAsString(tree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode operation(Operation op) {
    ObjectNode o = JSON.createObjectNode();
    o.put("operationId", op.id().replaceAll("[^A-Za-z0-9_]", "_"));
    String plans = catalog.plans().stream().filter(p -> catalog.allows(p, op)).map(Plan::name).toList().toString();
    o.put("summary", op.id());
    if (op.lifecycle().isPresent()) {
      o.put("deprecated", true);
    }
    o.put("description", "Requires scope `" + op.scope() + "`"
        + op.minimumPlan().map(p -> " and plan `" + p + "` or higher").orElse("")
        + ". Included in plans " + plans + ". Costs " + op.cost() + (op.cost() == 1 ? " unit" : " units")
        + " of every rate limit and quota.");
    ArrayNode security = o.putArray("security");
    security.addObject().putArray("apiKey");
    security.addObject().putArray("bearer");
    List<String> variables = PathTemplate.parse(op.pathTemplate()).variables();
    if (!variables.isEmpty()) {
      ArrayNode params = o.putArray("parameters");
      for (String v : variables) {
        ObjectNode p = params.addObject();
        p.put("name", v);
        p.put("in", "path");
        p.put("required", true);
        p.putObject("schema").put("type", "string");
      }
    }
    if (types != null) {
      schemas.request(op.id()).ifPresent(t -> {
        ObjectNode body = o.putObject("requestBody");
        body.put("required", true);
        body.putObject("content").putObject("application/json").set("schema", types.reference(t));
      });
    }
    ObjectNode responses = o.putObject("responses");
    ObjectNode ok = responses.putObject(Integer.toString(schemas.status(op.id())));
    ok.put("description", "Success. Every answer carries the caller's limits.");
    if (types != null && schemas.response(op.id()).isPresent()) {
      ObjectNode json = ok.putObject("content").putObject("application/json");
      json.set("schema", types.reference(schemas.response(op.id()).get()));
      schemas.example(op.id()).ifPresent(e -> json.set("example", schemas.mapper().valueToTree(e)));
    }
    ObjectNode headers = ok.putObject("headers");
    headers.putObject("RateLimit-Policy").put("$ref", "#/components/headers/RateLimit-Policy");
    headers.putObject("RateLimit").put("$ref", "#/components/headers/RateLimit");
    headers.putObject("X-Request-Id").put("$ref", "#/components/headers/X-Request-Id");
    for (String status : List.of("401", "402", "403", "429", "503")) {
      responses.putObject(status).put("$ref", "#/components/responses/" + responseName(status));
    }
    o.set("x-monetize", monetize(op));
    return o;
  }

  private ObjectNode monetize(Operation op) {
    ObjectNode m = JSON.createObjectNode();
    m.put("operation", op.id());
    m.put("scope", op.scope());
    op.minimumPlan().ifPresent(p -> m.put("minimum_plan", p));
    m.put("cost", op.cost());
    op.price().ifPresent(p -> m.set("price", price(p)));
    ObjectNode plans = m.putObject("plans");
    for (Plan p : catalog.plans()) {
      ObjectNode n = plans.putObject(p.name());
      n.put("allowed", catalog.allows(p, op));
      p.callPrice(op).ifPresent(pr -> n.set("price", price(pr))); // not the operation's, when the plan has a model
      java.util.Map<String, dev.monetize.billing.PriceModel> models = p.priceModels(op);
      if (!models.isEmpty()) {
        ObjectNode prices = n.putObject("prices");
        p.currency().ifPresent(c -> n.put("currency", c.getCurrencyCode()));
        models.forEach((unit, model) -> prices.set(unit, dev.monetize.billing.internal.PriceText.json(model)));
      }
      p.fee().ifPresent(f -> n.put("fee", f.amount().toPlainString()));
      p.minimum().ifPresent(f -> n.put("minimum", f.amount().toPlainString()));
      n.put("prepaid", p.prepaid());
      if (catalog.allows(p, op)) {
        ObjectNode limits = planSummary(p);
        limits.remove(List.of("name", "rank", "prepaid"));
        n.set("limits", limits);
      }
    }
    return m;
  }

  private ObjectNode planSummary(Plan p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", p.name());
    n.put("rank", p.rank());
    ObjectNode rate = n.putObject("rate");
    rate.put("count", p.rate().count());
    java.math.BigDecimal seconds = java.math.BigDecimal.valueOf(p.rate().period().toNanos(), 9).stripTrailingZeros();
    if (seconds.scale() <= 0) {
      rate.put("period_seconds", seconds.longValueExact()); // a whole number, as ever
    } else {
      rate.put("period_seconds", seconds); // exact: 0.5 and 1.5, never rounded to 1
    }
    rate.put("burst", p.rate().burst());
    ArrayNode quotas = n.putArray("quotas");
    for (Quota q : p.quotas()) {
      ObjectNode qn = quotas.addObject();
      qn.put("name", q.name());
      qn.put("limit", q.limit());
      qn.put("window", q.window().name().toLowerCase(java.util.Locale.ROOT));
    }
    p.concurrency().ifPresent(c -> n.put("concurrency", c.limit()));
    n.put("overage", p.overage().name().toLowerCase(java.util.Locale.ROOT));
    n.put("prepaid", p.prepaid());
    return n;
  }

  private static ObjectNode price(Price p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("amount", p.amount().toPlainString());
    n.put("currency", p.currency().getCurrencyCode());
    n.put("unit", p.unit());
    return n;
  }

  private static String responseName(String status) {
    return switch (status) {
      case "401" -> "Unauthorized";
      case "402" -> "PaymentRequired";
      case "403" -> "Forbidden";
      case "429" -> "TooManyRequests";
      default -> "ServiceUnavailable";
    };
  }

  private ObjectNode components() {
    ObjectNode c = JSON.createObjectNode();
    ObjectNode schemes = c.putObject("securitySchemes");
    ObjectNode apiKey = schemes.putObject("apiKey");
    apiKey.put("type", "apiKey");
    apiKey.put("in", "header");
    apiKey.put("name", "X-API-Key");
    apiKey.put("description", "An API key, mk_live_... or mk_test_...");
    ObjectNode bearer = schemes.putObject("bearer");
    bearer.put("type", "http");
    bearer.put("scheme", "bearer");
    bearer.put("description", "An API key, or a short-lived token minted with POST /monetize/tokens");

    ObjectNode problem = c.putObject("schemas").putObject("Problem");
    problem.put("type", "object");
    problem.put("description", "RFC 9457 problem details; `type` points at " + docsBase + "/errors#<code>.");
    ArrayNode required = problem.putArray("required");
    List.of("type", "title", "status", "code").forEach(required::add);
    ObjectNode props = problem.putObject("properties");
    props.putObject("type").put("type", "string").put("format", "uri");
    props.putObject("title").put("type", "string");
    props.putObject("status").put("type", "integer");
    props.putObject("detail").put("type", "string");
    props.putObject("instance").put("type", "string");
    ObjectNode code = props.putObject("code");
    code.put("type", "string");
    ArrayNode codes = code.putArray("enum");
    for (ErrorCode e : ErrorCode.values()) {
      codes.add(e.code());
    }
    props.putObject("hint").put("type", "string");
    props.putObject("request_id").put("type", "string");
    props.putObject("retry_after").put("type", "integer").put("description", "Seconds to wait before retrying");
    ObjectNode violated = props.putObject("violated_policies");
    violated.put("type", "array");
    violated.putObject("items").put("type", "string");

    ObjectNode headers = c.putObject("headers");
    header(headers, "RateLimit-Policy", "string",
        "Every policy that applied, as a Structured Fields list: \"daily\";q=1000;w=86400");
    header(headers, "RateLimit", "string", "The tightest policy's state: \"daily\";r=50;t=30");
    header(headers, "Retry-After", "integer", "Seconds until a retry can pass");
    header(headers, "X-Request-Id", "string", "The request id, also in problem bodies");

    ObjectNode responses = c.putObject("responses");
    problemResponse(responses, "Unauthorized", "Missing, invalid, expired, revoked or rotated key or token",
        false);
    problemResponse(responses, "PaymentRequired", "Prepaid credits exhausted", false);
    problemResponse(responses, "Forbidden", "The key lacks the scope, or the plan the operation", false);
    problemResponse(responses, "TooManyRequests", "A rate, quota or concurrency limit refused", true);
    problemResponse(responses, "ServiceUnavailable", "Load shedding, or the limits cannot be checked", true);
    return c;
  }

  private static void header(ObjectNode headers, String name, String type, String description) {
    ObjectNode h = headers.putObject(name);
    h.put("description", description);
    h.putObject("schema").put("type", type);
  }

  private static void problemResponse(ObjectNode responses, String name, String description, boolean retry) {
    ObjectNode r = responses.putObject(name);
    r.put("description", description);
    ObjectNode headers = r.putObject("headers");
    headers.putObject("X-Request-Id").put("$ref", "#/components/headers/X-Request-Id");
    headers.putObject("RateLimit-Policy").put("$ref", "#/components/headers/RateLimit-Policy");
    headers.putObject("RateLimit").put("$ref", "#/components/headers/RateLimit");
    if (retry) {
      headers.putObject("Retry-After").put("$ref", "#/components/headers/Retry-After");
    }
    r.putObject("content").putObject("application/problem+json").putObject("schema").put("$ref", PROBLEM);
  }
}
