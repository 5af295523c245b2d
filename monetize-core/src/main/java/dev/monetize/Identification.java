package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.internal.CachedCustomers;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.SecretHasher;
import dev.monetize.keys.internal.Credentials;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Scopes;
import dev.monetize.tokens.TokenClaims;
import dev.monetize.tokens.TokenException;
import dev.monetize.tokens.Tokens;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Step 1 of admission, who is calling: finds the credential in {@code Authorization: Bearer} or
 * {@code X-API-Key} without copying it, refuses malformed keys by their checksum before any store
 * is touched, verifies a key (one hash, a cache lookup) or a token (signature, the secret that
 * minted it, the key's current scopes), and builds the {@link Principal} with the
 * {@link Credential} that was presented.
 */
final class Identification {
  private final Catalog catalog;
  private final CachedCustomers customers;
  /** Plan changes due and not yet applied to the stored customers: admission follows them at once. */
  private final dev.monetize.billing.internal.DuePlans duePlans;
  private final Credentials credentials;
  private final Tokens tokens;
  private final KeyEnvironment environment;
  private final TimeSource time;
  private final LongAdder malformedKeys = new LongAdder();
  private final ConcurrentHashMap<String, Decision> malformedRefusals = new ConcurrentHashMap<>();

  /** The operator credential's principal: no customer, no plan of the catalog, the operator's scope only. */
  private static final Principal OPERATOR = new Principal(
      new Customer(Principal.OPERATOR_ORGANIZATION, "operator", dev.monetize.plans.BillingAnchor.DEFAULT, "Operator"),
      Plan.builder("operator").rate(dev.monetize.plans.Rate.perSecond(1)).quota(dev.monetize.plans.Quota.daily(1))
          .build(), "operator",
      Set.of(dev.monetize.management.Permission.OPERATOR.scope().orElseThrow()), java.util.Map.of(),
      Credential.operator());

  private final Optional<String> operatorHash;

  Identification(Catalog catalog, CachedCustomers customers, dev.monetize.billing.internal.DuePlans duePlans,
      Credentials credentials, Tokens tokens, KeyEnvironment environment, TimeSource time,
      Optional<String> operatorHash) {
    this.operatorHash = operatorHash;
    this.catalog = catalog;
    this.customers = customers;
    this.duePlans = duePlans;
    this.credentials = credentials;
    this.tokens = tokens;
    this.environment = environment;
    this.time = time;
  }

  /** How many presented keys were refused by format or checksum, without a store lookup. */
  long malformedKeyRefusals() {
    return malformedKeys.sum();
  }

  /**
   * Step 1: who is calling. An API key (one hash and a lookup of the keys verified before; any
   * other key is checked by its checksum first, so malformed keys never reach a store) or a
   * short-lived token minted from one.
   */
  Decision identify(Operation op, ApiRequest request) {
    return identify(op, request, time.epochNanos());
  }

  /** Whether {@code header} (an X-API-Key value) is blank or holds the credential at {@code [from, to)} of {@code v}. */
  private static boolean sameCredential(String v, int from, int to, String header) {
    int a = skipSpace(header, 0);
    int b = trimEnd(header, a);
    return b == a || b - a == to - from && header.regionMatches(a, v, from, to - from);
  }

  /** {@link #identify(Operation, ApiRequest)} at {@code now}, nanoseconds since the epoch. */
  Decision identify(Operation op, ApiRequest request, long now) {
    // find the credential inside its header without copying it: a malformed key allocates nothing
    String text = null;
    int from = 0;
    int to = 0;
    if (request.authorization().isPresent()) {
      String v = request.authorization().get();
      int a = skipSpace(v, 0);
      int b = trimEnd(v, a);
      if (b - a > 7 && isBearer(v, a)) {
        text = v;
        from = skipSpace(v, a + 7);
        to = b;
        if (request.apiKeyHeader().isPresent() && !sameCredential(v, from, to, request.apiKeyHeader().get())) {
          return Decision.refuse(ErrorCode.BAD_REQUEST, "Authorization and X-API-Key carry different credentials: "
              + "send the key in one of them (a proxy that reads the other would see another caller).",
              Optional.empty(), op);
        }
      } else if (request.apiKeyHeader().isEmpty()) {
        if (b == a) {
          return Decision.refuse(ErrorCode.KEY_MISSING, "No API key was sent.", Optional.empty(), op);
        }
        if (b - a == 6 && v.regionMatches(true, a, "Bearer", 0, 6)) { // what an empty $KEY sends
          return Decision.refuse(ErrorCode.KEY_MISSING, "The Authorization header has no key after 'Bearer'.",
              Optional.empty(), op);
        }
        return Decision.refuse(ErrorCode.KEY_INVALID,
            "The Authorization header must use the Bearer scheme.", Optional.empty(), op);
      }
    }
    if (text == null && request.apiKeyHeader().isPresent()) {
      String v = request.apiKeyHeader().get();
      from = skipSpace(v, 0);
      to = trimEnd(v, from);
      text = to > from ? v : null;
    }
    if (text == null || to <= from) {
      return Decision.refuse(ErrorCode.KEY_MISSING, "No API key was sent.", Optional.empty(), op);
    }
    if (text.startsWith("ey", from) && Tokens.looksLikeToken(text.substring(from, to))) {
      return identifyToken(op, text.substring(from, to));
    }
    // a key verified before is found by its secret's tag first: its checksum and environment were
    // checked when it was verified (a key of the wrong shape or prefix is not hashed at all)
    if (to - from == ApiKeys.LENGTH && text.startsWith(environment.prefix(), from)) {
      Decision remembered = remembered(text, from, to, op, now);
      if (remembered != null) {
        return remembered;
      }
    }
    Optional<KeyEnvironment> env = ApiKeys.environmentOf(text, from, to);
    if (env.isEmpty() && request.authorization().isEmpty() && text.regionMatches(true, from, "Bearer ", 0, 7)) {
      malformedKeys.increment(); // the common mistake: the Authorization header's form in X-API-Key
      return Decision.refuse(ErrorCode.KEY_INVALID, "The X-API-Key header takes the key alone: send 'X-API-Key: "
          + "<key>' or 'Authorization: Bearer <key>'.", Optional.empty(), op);
    }
    if (env.isEmpty()) {
      malformedKeys.increment(); // refused by the checksum: no store was touched
      // a flood of bad keys allocates nothing: the refusal is the same for every one of them
      Decision cached = malformedRefusals.get(op.id());
      if (cached == null || cached.operation() != op) {
        cached = Decision.refuse(ErrorCode.KEY_INVALID, "The API key is malformed.", Optional.empty(), op);
        malformedRefusals.put(op.id(), cached);
      }
      return cached;
    }
    if (env.get() != environment) {
      return Decision.refuse(ErrorCode.KEY_WRONG_ENVIRONMENT, "This service accepts "
          + environment.prefix() + " keys only.", Optional.empty(), op);
    }
    // not among the keys verified before: hashed for the cache and the store
    String hash = credentials.hashAfterVerified(text, from, to);
    if (operatorHash.isPresent() && SecretHasher.same(operatorHash.get(), hash)) {
      return Decision.admit(OPERATOR, op, List.of(), false, false); // the stages refuse it on every operation
    }
    long generation = credentials.generation();
    Optional<ApiKey> found = credentials.byHash(hash);
    if (found.isEmpty()) {
      return Decision.refuse(ErrorCode.KEY_INVALID, "The API key is not known.", Optional.empty(), op);
    }
    ApiKey key = found.get();
    Instant instant = time.now();
    if (!SecretHasher.same(key.secretHash(), hash)) {
      boolean previous = key.previousSecretHash().map(h -> SecretHasher.same(h, hash)).orElse(false);
      if (!previous) {
        return Decision.refuse(ErrorCode.KEY_INVALID, "The API key is not known.", Optional.empty(), op);
      }
      if (!instant.isBefore(key.previousValidUntil().orElseThrow())) {
        return Decision.refuse(ErrorCode.KEY_ROTATED, "Key " + key.id() + " was rotated; its old secret stopped "
            + "working at " + key.previousValidUntil().get() + ".", Optional.empty(), op);
      }
      return principalOf(op, key, key.scopes(), instant, Credential.previousKeySecret(
          earliest(key.previousValidUntil().orElseThrow(), key.expiresAt())));
    }
    Decision d = principalOf(op, key, key.scopes(), instant, Credential.key(key.expiresAt()));
    if (d.admitted()) {
      credentials.remember(text, from, to, key, generation); // the current secret: found by its tag from now on
    }
    return d;
  }

  /** What a verified key's principal and admissions were built from, per operation (a few). */
  private record Memo(Customer customer, Optional<Principal> principal, Operation[] ops, Decision[] decisions) {
    private static final int MAX_OPERATIONS = 32;

    Decision decisionFor(Operation op) {
      for (int i = 0; i < ops.length; i++) {
        if (ops[i] == op) {
          return decisions[i];
        }
      }
      return null;
    }

    Memo with(Operation op, Decision d) {
      if (ops.length >= MAX_OPERATIONS) {
        return this;
      }
      Operation[] o = java.util.Arrays.copyOf(ops, ops.length + 1);
      Decision[] ds = java.util.Arrays.copyOf(decisions, decisions.length + 1);
      o[ops.length] = op;
      ds[ops.length] = d;
      return new Memo(customer, principal, o, ds);
    }
  }

  /**
   * {@link #remembered(Credentials.Verified, Operation, long)} of the key whose secret is
   * {@code text[from, to)}, when it was verified before; null otherwise.
   */
  private Decision remembered(String text, int from, int to, Operation op, long now) {
    // tagged in place (no copy of the key, no SHA-256); a secret verified before is found by its tag
    Credentials.Verified verified = credentials.verified(text, from, to, now);
    return verified == null ? null : remembered(verified, op, now);
  }

  /**
   * The admission of a key verified by its current secret, built once per key, customer record
   * and operation: nothing is allocated when none of them changed. Null when the key is no
   * longer usable as it stands (the full path then says why).
   */
  private Decision remembered(Credentials.Verified verified, Operation op, long now) {
    ApiKey key = verified.key();
    if (key.status() == KeyStatus.REVOKED || key.expiresAt().isPresent() && reached(key.expiresAt().get(), now)) {
      return null;
    }
    Optional<Customer> stored = customers.find(key.customerId());
    if (stored.isEmpty()) {
      return null;
    }
    Customer inForce = duePlans.inForce(stored.get(), now); // the same object but in a change's first seconds
    Optional<Customer> customer = inForce == stored.get() ? stored : Optional.of(inForce);
    Memo memo = verified.memo instanceof Memo m && (m.customer() == customer.get() || m.customer().equals(customer.get()))
        ? m : null;
    if (memo == null) {
      Optional<Plan> plan = catalog.plan(customer.get().plan());
      if (plan.isEmpty()) {
        return null;
      }
      Principal principal = new Principal(customer.get(), plan.get(), key.id(), withinPlan(key.scopes(), plan.get()),
          key.limitOverrides(), Credential.key(key.expiresAt()), key.raisedLimits());
      memo = new Memo(customer.get(), Optional.of(principal), new Operation[0], new Decision[0]);
      verified.memo = memo;
    }
    Decision d = memo.decisionFor(op);
    if (d == null) {
      d = Decision.admit(memo.principal(), op, List.of(), false, false);
      verified.memo = memo.with(op, d);
    }
    return d;
  }

  /** Whether {@code now} (nanoseconds since the epoch) is at or after {@code t}. */
  private static boolean reached(Instant t, long now) {
    long seconds = Math.floorDiv(now, 1_000_000_000L);
    return seconds > t.getEpochSecond()
        || seconds == t.getEpochSecond() && Math.floorMod(now, 1_000_000_000L) >= t.getNano();
  }

  private Decision identifyToken(Operation op, String token) {
    Instant now = time.now();
    TokenClaims claims;
    try {
      claims = tokens.verify(token, now);
    } catch (TokenException e) {
      return Decision.refuse(e.code(), e.getMessage(), Optional.empty(), op);
    }
    Optional<ApiKey> found = credentials.byId(claims.keyId());
    if (found.isEmpty() || !found.get().customerId().equals(claims.customerId())) {
      return Decision.refuse(ErrorCode.TOKEN_INVALID, "The token's key is not known.", Optional.empty(), op);
    }
    ApiKey key = found.get();
    if (key.environment() != environment) {
      return Decision.refuse(ErrorCode.TOKEN_INVALID, "The token's key is for another environment.",
          Optional.empty(), op);
    }
    // a token lives no longer than the secret that minted it: rotated out, its tokens stop too
    Optional<String> version = claims.keyVersion();
    boolean current = version.isPresent() && version.get().equals(Credentials.version(key.secretHash()));
    if (!current) {
      boolean previous = version.isPresent() && key.previousSecretHash().map(Credentials::version)
          .filter(version.get()::equals).isPresent();
      if (!previous) {
        return Decision.refuse(ErrorCode.TOKEN_INVALID, "The token was not minted by a current secret of key "
            + key.id() + ".", Optional.empty(), op);
      }
      if (!now.isBefore(key.previousValidUntil().orElseThrow())) {
        return Decision.refuse(ErrorCode.KEY_ROTATED, "Key " + key.id() + " was rotated; tokens of its old secret "
            + "stopped working at " + key.previousValidUntil().get() + ".", Optional.empty(), op);
      }
    }
    // never more than the key holds now: narrowing a key narrows its live tokens at once
    Set<String> scopes = Scopes.intersect(claims.scopes(), key.scopes());
    // a revoked or expired key stops its tokens at once
    Decision d = principalOf(op, key, scopes, now, Credential.token(claims.tokenId(),
        earliest(claims.expiresAt(), key.expiresAt())));
    if (!d.admitted()) {
      return Decision.refuse(ErrorCode.TOKEN_INVALID, "The token's key is no longer valid: " + d.detail(),
          Optional.empty(), op);
    }
    return d;
  }

  /** The operator's principal, when the deployment has an operator credential. */
  Optional<Principal> operator() {
    return operatorHash.isPresent() ? Optional.of(OPERATOR) : Optional.empty();
  }

  /** The principal of {@code key} with these scopes and credential, or the key's refusal at {@code now}. */
  Decision principalOf(Operation op, ApiKey key, Set<String> scopes, Instant now, Credential credential) {
    if (key.status() == KeyStatus.REVOKED) {
      return Decision.refuse(ErrorCode.KEY_REVOKED, "Key " + key.id() + " was revoked.", Optional.empty(), op);
    }
    if (key.expiredAt(now)) {
      return Decision.refuse(ErrorCode.KEY_EXPIRED, "Key " + key.id() + " expired at "
          + key.expiresAt().orElseThrow() + ".", Optional.empty(), op);
    }
    Optional<Customer> customer = customers.find(key.customerId())
        .map(c -> duePlans.inForce(c, TimeSource.epochNanos(now)));
    if (customer.isEmpty()) {
      return Decision.refuse(ErrorCode.KEY_INVALID, "The API key's account no longer exists.", Optional.empty(), op);
    }
    Plan plan = catalog.plan(customer.get().plan()).orElseThrow(() -> new IllegalStateException(
        "customer " + customer.get().id() + " is on plan '" + customer.get().plan() + "', which the catalog does not define"));
    Principal principal = new Principal(customer.get(), plan, key.id(), withinPlan(scopes, plan), key.limitOverrides(),
        credential, key.raisedLimits());
    return Decision.admit(principal, op, List.of(), false, false);
  }

  /**
   * What a credential holds under its organization's plan now: a key issued on a richer plan keeps no
   * power the plan it is on withholds (a downgrade narrows it, an upgrade gives back what it was issued
   * with); reserved scopes are kept ({@link Scopes#within}).
   */
  static Set<String> withinPlan(Set<String> scopes, Plan plan) {
    return Scopes.within(scopes, plan.scopes());
  }

  private static Instant earliest(Instant a, Optional<Instant> b) {
    return b.isPresent() && b.get().isBefore(a) ? b.get() : a;
  }

  /** Whether {@code "Bearer "} (any case) starts at {@code at}. */
  private static boolean isBearer(String s, int at) {
    return (s.charAt(at) | 0x20) == 'b' && (s.charAt(at + 1) | 0x20) == 'e' && (s.charAt(at + 2) | 0x20) == 'a'
        && (s.charAt(at + 3) | 0x20) == 'r' && (s.charAt(at + 4) | 0x20) == 'e' && (s.charAt(at + 5) | 0x20) == 'r'
        && isSpace(s.charAt(at + 6));
  }

  /** HTTP optional white space (RFC 9110): space and horizontal tab. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int trimEnd(String s, int from) {
    int end = s.length();
    while (end > from && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }
}
