package dev.monetize.management.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Principal;
import dev.monetize.billing.Amounts;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.Header;
import dev.monetize.http.RateLimitHeaders;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.RatePolicy;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Rate;
import java.util.List;
import dev.monetize.management.Authority;
import dev.monetize.management.ManagementOperation;
import dev.monetize.management.Target;
import dev.monetize.management.Verdict;
import dev.monetize.plans.Scopes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One authenticated management call: the request, who makes it, the operation its route matched,
 * and what the audit event will say about it. Handlers read the body through it and ask
 * {@link #authorize} before they act; it refuses with {@link ManagementRefusal}.
 */
final class ManagementCall {
  /** Writes the answers (records of {@link Views}). */
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Request bodies: unknown fields refused, no coercion between types (a number is no string, 1.5 no 1). */
  private static final ObjectMapper BINDER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      // a number or a boolean is no string (ALLOW_COERCION_OF_SCALARS does not cover text targets)
      .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  private static final int MAX_PAGE = 100;
  private static final int DEFAULT_PAGE = 20;

  final ManagementApi.Request request;
  final Principal principal;
  final ManagementOperation operation;
  final Map<String, String> parameters;
  /** What the audit event records: targets and changes by name, never a secret. */
  final Map<String, String> details = new TreeMap<>();

  final ManagementContext context;

  ManagementCall(ManagementContext context, ManagementApi.Request request, Principal principal,
      ManagementOperation.Match match) {
    this.context = context;
    this.request = request;
    this.principal = principal;
    this.operation = match.operation();
    this.parameters = match.parameters();
  }

  /**
   * Asks the authority; refuses unless allowed. Records the target in the audit details when the
   * caller may know of it: another organization's object is recorded as nothing, as an id that does
   * not exist is, or the caller's own trail would tell the two apart.
   */
  void authorize(Target target) {
    Verdict verdict = Authority.decide(principal, operation, target);
    if (!verdict.allowed() && !Authority.sees(principal, target)) {
      refuseUnless(verdict);
    }
    if (target instanceof Target.Organization o) {
      details.put("target_organization", o.id());
    } else if (target instanceof Target.Project p) {
      details.put("target_project", p.id());
      details.put("target_organization", p.organizationId());
    } else if (target instanceof Target.Key k) {
      details.put("target_key", k.key().id());
      details.put("target_organization", k.key().customerId());
    }
    refuseUnless(verdict);
  }

  /** Refuses with the verdict's code unless it allows. */
  static void refuseUnless(Verdict v) {
    if (!v.allowed()) {
      throw new ManagementRefusal(v.refusal().orElseThrow(), v.detail());
    }
  }

  boolean operator() {
    return Authority.operator(principal);
  }

  String parameter(String name) {
    return parameters.get(name);
  }

  /**
   * {@code body} read as UTF-8, whatever it looks like: the JSON parser would otherwise recognize UTF-16
   * and UTF-32 by their zero bytes, and read a body that a proxy or firewall reading UTF-8 cannot
   * inspect (a leading byte order mark is skipped, as the parser did).
   */
  private static String utf8(byte[] body) {
    try {
      String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body)).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw ManagementRefusal.badRequest("The body is not UTF-8 text.");
    }
  }

  /**
   * The body bound to {@code type} (an empty body: every field absent). Unknown fields, wrong types
   * and anything that is not a JSON object are refused with a message naming the field and what it
   * takes.
   */
  <T extends Record> T bind(Class<T> type) {
    byte[] body = request.body().length == 0 ? EMPTY_OBJECT : request.body();
    try {
      T bound = BINDER.readValue(utf8(body), type);
      if (bound == null) {
        throw ManagementRefusal.badRequest("The body must be a JSON object.");
      }
      return bound;
    } catch (UnrecognizedPropertyException e) {
      String f = e.getPropertyName();
      throw ManagementRefusal.badRequest(f.length() > 40 ? "Unknown field." : "Unknown field '" + f
          + "'; allowed: " + new TreeSet<>(e.getKnownPropertyIds().stream().map(Object::toString).toList()) + ".");
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof StreamConstraintsException) {
        throw ManagementRefusal.badRequest("The body is nested too deeply or holds a value too long.");
      }
      if (e.getCause() instanceof JsonParseException p) {
        throw ManagementRefusal.badRequest(duplicate(p).orElse("The body is not valid JSON."));
      }
      String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
      throw ManagementRefusal.badRequest(field == null ? "The body must be a JSON object."
          : field + ": " + help(type, field) + ".");
    } catch (StreamConstraintsException e) {
      throw ManagementRefusal.badRequest("The body is nested too deeply or holds a value too long.");
    } catch (JsonParseException e) {
      throw ManagementRefusal.badRequest(duplicate(e).orElse("The body is not valid JSON."));
    } catch (IOException e) {
      throw ManagementRefusal.badRequest("The body is not valid JSON.");
    }
  }

  /** A field given twice is refused: a proxy or log reading the first would see another request. */
  private static Optional<String> duplicate(JsonParseException e) {
    String m = e.getOriginalMessage();
    if (m != null && m.startsWith("Duplicate field '")) {
      String name = m.substring("Duplicate field '".length(), m.lastIndexOf('\''));
      return Optional.of(name.length() > 40 ? "A field is given twice." : "Field '" + name + "' is given twice.");
    }
    return Optional.empty();
  }

  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  /** What a field of a body takes, from its description. */
  private static String help(Class<?> type, String field) {
    for (java.lang.reflect.RecordComponent rc : type.getRecordComponents()) {
      try {
        java.lang.reflect.Field f = type.getDeclaredField(rc.getName());
        JsonProperty name = f.getAnnotation(JsonProperty.class);
        JsonPropertyDescription d = f.getAnnotation(JsonPropertyDescription.class);
        if (name != null && name.value().equals(field) && d != null) {
          return d.value();
        }
      } catch (NoSuchFieldException e) {
        // every record component has its field
      }
    }
    return "a value of another type";
  }

  /** A text field: absent (or null) is empty unless required; otherwise non-blank, at most 200 characters. */
  /** The latest instant a management call takes (every store keeps it; a database would wrap a later one). */
  static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

  /**
   * {@code text} as an RFC 3339 instant between 1970 and {@link #LATEST}, or a 400 naming {@code field}
   * and showing {@code example}.
   */
  static java.time.Instant instant(String text, String field, String example) {
    java.time.Instant i;
    try {
      i = java.time.Instant.parse(text);
    } catch (java.time.DateTimeException e) {
      throw ManagementRefusal.badRequest(field + ": an RFC 3339 instant such as " + example + ".");
    }
    if (i.isBefore(java.time.Instant.EPOCH) || i.isAfter(LATEST)) {
      throw ManagementRefusal.badRequest(field + ": an instant from 1970-01-01T00:00:00Z to " + LATEST + ".");
    }
    return i;
  }

  static Optional<String> text(String value, String field, boolean required) {
    if (value == null) {
      if (required) {
        throw ManagementRefusal.badRequest(field + ": required.");
      }
      return Optional.empty();
    }
    if (value.isBlank()) {
      throw ManagementRefusal.badRequest(field + ": a non-empty string.");
    }
    if (value.length() > 200) {
      throw ManagementRefusal.badRequest(field + ": at most 200 characters.");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') { // a NUL no database keeps
        throw ManagementRefusal.badRequest(field + ": no control characters other than tab and line breaks.");
      }
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(++i)))) { // stored as '?' otherwise
        throw ManagementRefusal.badRequest(field + ": valid Unicode text (a lone surrogate is not).");
      }
    }
    return Optional.of(value);
  }

  /** A whole number from {@code min} to {@code max}, if present. */
  static Optional<Long> number(Long value, String field, long min, long max) {
    if (value == null) {
      return Optional.empty();
    }
    if (value < min || value > max) {
      throw ManagementRefusal.badRequest(field + ": a whole number from " + min + " to " + max + ".");
    }
    return Optional.of(value);
  }

  /** A whole number from {@code min} to {@code max} given as a JSON value (a map entry's), if present. */
  static Optional<Long> number(JsonNode v, String field, long min, long max) {
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw ManagementRefusal.badRequest(field + ": a whole number from " + min + " to " + max + ".");
    }
    return Optional.of(v.asLong());
  }

  /** A money amount (string or number) within {@link Amounts}' bounds, never expanded before the check. */
  static BigDecimal amount(JsonNode a, String field) {
    try {
      if (a != null && a.isTextual()) {
        return Amounts.parse(a.asText(), field);
      }
      if (a != null && a.isNumber()) {
        return Amounts.check(a.decimalValue(), field);
      }
    } catch (IllegalArgumentException e) { // includes NumberFormatException
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    }
    throw ManagementRefusal.badRequest(field + ": required, a decimal such as \"25.00\" (negative deducts).");
  }

  /** A list of scopes, each valid; absent is empty unless required. */
  static Set<String> scopes(List<String> value, boolean required) {
    if (value == null) {
      if (required) {
        throw ManagementRefusal.badRequest("scopes: required, a list such as [\"stats:read\"].");
      }
      return Set.of();
    }
    if (value.isEmpty() || value.size() > 100) {
      throw ManagementRefusal.badRequest("scopes: a list of 1 to 100 scopes.");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String s : value) {
      if (s == null) {
        throw ManagementRefusal.badRequest("scopes: every scope is a string.");
      }
      try {
        out.add(Scopes.validate(s));
      } catch (IllegalArgumentException e) {
        throw ManagementRefusal.badRequest("scopes: " + e.getMessage() + ".");
      }
    }
    return out;
  }

  /**
   * The account a read is about, after the authority allows it: the caller's own, or with
   * {@code customer_id} another organization's, which only the operator may read (to anyone else
   * it does not exist). Another organization's account carries no key, so its report shows the
   * organization's limits, not a key's.
   */
  Principal account() {
    String id = accountId();
    if (id.equals(principal.customerId()) && !principal.operator()) {
      authorize(Target.organization(principal.customerId()));
      return principal;
    }
    authorize(organizationTarget(id));
    dev.monetize.plans.Customer customer = context.customers().find(id)
        .orElseThrow(() -> ManagementRefusal.notFound("organization", id));
    dev.monetize.plans.Plan plan = context.catalog().plan(customer.plan())
        .orElseThrow(() -> new IllegalStateException("organization " + id + " is on plan '" + customer.plan()
            + "', which the catalog no longer defines"));
    return new Principal(customer, plan, "", java.util.Set.of());
  }

  /**
   * The organization a read names with {@code customer_id}, else the caller's own; the operator
   * credential has none of its own and must name one.
   */
  String accountId() {
    return organizationNamedBy("customer_id");
  }

  /** The organization query parameter {@code name} names, else the caller's own (the operator must name one). */
  String organizationNamedBy(String name) {
    String id = request.query().get(name);
    if (id != null) {
      if (!dev.monetize.plans.Customer.validId(id)) { // never handed to a store (a NUL is a database error)
        throw ManagementRefusal.badRequest(name + ": 1-128 of A-Z a-z 0-9 - _ .");
      }
      return id;
    }
    if (principal.operator()) {
      throw ManagementRefusal.badRequest("The operator credential belongs to no organization; name one with ?"
          + name + "=.");
    }
    return principal.customerId();
  }

  /** An organization named by the caller, as a target: missing when it does not exist. */
  Target organizationTarget(String id) {
    return context.customers().find(id).isPresent() ? Target.organization(id) : Target.missing("organization", id);
  }

  /** The {@code limit} query parameter: 1 to 100, 20 when absent. */
  static int pageLimit(Map<String, String> query) {
    String value = query.get("limit");
    if (value == null) {
      return DEFAULT_PAGE;
    }
    int limit;
    try {
      // ASCII digits only: parseInt takes a sign and any script's digits ('+5', Arabic-Indic 3)
      limit = value.length() > 3 || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9') ? -1 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw ManagementRefusal.badRequest("limit: a whole number from 1 to " + MAX_PAGE + ".");
    }
    return limit;
  }

  /** A JSON answer. */
  static ManagementApi.Response ok(int status, Object body) {
    try {
      return new ManagementApi.Response(status, "application/json", List.of(new Header("Cache-Control", "no-store")),
          JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Charges one unit of {@code rate} under {@code key}; refuses with 429 and headers when it is used up. */
  static void charge(ManagementContext context, String key, String policy, Rate rate, String what) {
    charge(context, List.of(new LimitRequest(key, new RatePolicy(policy, rate), 1)), what);
  }

  /** Charges every request at once; refuses with 429 and headers when one is used up. */
  static void charge(ManagementContext context, List<LimitRequest> requests, String what) {
    LimitVerdict v = context.limiterStore().acquire(requests, context.time().epochNanos());
    if (!v.admitted()) {
      long retry = Math.max(1, PolicyState.ceilSeconds(v.retryAfterNanos()));
      List<Header> h = List.of(new Header("Retry-After", Long.toString(retry)),
          new Header(RateLimitHeaders.POLICY, RateLimitHeaders.policy(v.policies())),
          new Header(RateLimitHeaders.STATE, RateLimitHeaders.state(v.policies())));
      List<String> violated = v.policies().stream().filter(dev.monetize.limits.PolicyState::violated)
          .map(dev.monetize.limits.PolicyState::name).toList();
      throw new ManagementRefusal(ErrorCode.RATE_LIMITED, "Too many " + what + ". Retry in " + retry + " s.", 0, h,
          violated);
    }
  }

  /** Refuses creating one more of {@code what} when {@code count} already reached {@code max}. */
  static void requireRoom(String what, long count, long max, String holder) {
    if (count >= max) {
      throw full(what, count, max, holder);
    }
  }

  /** The refusal of a creation that found no room left when it was made (another took the last place). */
  static ManagementRefusal full(String what, long max, String holder) {
    return full(what, max, max, holder);
  }

  private static ManagementRefusal full(String what, long count, long max, String holder) {
    String name = "\"" + what + "\"";
    return new ManagementRefusal(ErrorCode.COUNT_LIMIT_REACHED, holder + " already holds " + count + " " + what
        + ", the most allowed (" + max + ").", 0, List.of(new Header(RateLimitHeaders.POLICY, name + ";q=" + max),
        new Header(RateLimitHeaders.STATE, name + ";r=0")));
  }
}
