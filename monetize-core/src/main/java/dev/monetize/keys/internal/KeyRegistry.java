package dev.monetize.keys.internal;

import dev.monetize.TimeSource;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyRequest;
import dev.monetize.keys.KeyService;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import dev.monetize.keys.ScopeEscalationException;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Scopes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The {@link KeyService} over a key store, a customer store and the verification cache. */
public final class KeyRegistry implements KeyService {
  /** The operator's reserved scope. */
  public static final String OPERATOR_SCOPE = "monetize:admin";

  private final KeyStore keys;
  private final CustomerStore customers;
  private final Catalog catalog;
  private final Credentials credentials;
  private final KeyEnvironment environment;
  private final SecureRandom random;
  private final TimeSource time;
  private final Duration maxRotationOverlap;

  /** Over these stores, issuing keys of {@code environment}. */
  public KeyRegistry(KeyStore keys, CustomerStore customers, Catalog catalog, Credentials credentials,
      KeyEnvironment environment, SecureRandom random, TimeSource time, Duration maxRotationOverlap) {
    this.keys = keys;
    this.customers = customers;
    this.catalog = catalog;
    this.credentials = credentials;
    this.environment = environment;
    this.random = random;
    this.time = time;
    this.maxRotationOverlap = maxRotationOverlap;
  }

  @Override
  public IssuedKey issue(KeyRequest request) {
    return issue(request, false);
  }

  @Override
  public IssuedKey issueOperatorKey(String organizationId) {
    return issue(KeyRequest.of(organizationId, Set.of(OPERATOR_SCOPE)), true);
  }

  /**
   * Issues a key; {@code reservedAllowed} lets reserved scopes past the plan (the operator's own keys
   * only). An override above the plan is a raise (code that issues keys is the operator's).
   */
  public IssuedKey issue(KeyRequest request, boolean reservedAllowed) {
    return issue(request, reservedAllowed, null);
  }

  /**
   * Issues a key whose raised limits are {@code raised} as the caller decided them (the management
   * API: the operator's overrides above the plan it checked, none for anyone else), or, when null,
   * the overrides above the plan read here.
   */
  public IssuedKey issue(KeyRequest request, boolean reservedAllowed, Set<String> raised) {
    return issue(request, reservedAllowed, raised, Long.MAX_VALUE).orElseThrow();
  }

  /**
   * {@link #issue(KeyRequest, boolean, Set)}, unless the organization holds {@code maxKeys} keys that
   * are not revoked already (empty then): counted and saved as one step ({@link KeyStore#saveWithin}).
   */
  public Optional<IssuedKey> issue(KeyRequest request, boolean reservedAllowed, Set<String> raised, long maxKeys) {
    Customer customer = customers.find(request.customerId()).orElseThrow(() ->
        new IllegalArgumentException("customer " + request.customerId() + " does not exist; save it first"));
    if (request.scopes().isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one scope");
    }
    request.scopes().forEach(Scopes::validate);
    Set<String> reserved = Scopes.reservedAmong(request.scopes());
    if (!reserved.isEmpty() && !reservedAllowed) {
      throw new ScopeEscalationException("scopes " + reserved + " are reserved to the operator; issue the "
          + "operator's key with issueOperatorKey");
    }
    Plan plan = catalog.plan(customer.plan()).orElseThrow();
    requireLimitsOf(plan, request.limitOverrides());
    Set<String> ceiling = plan.scopes();
    if (request.projectId().isPresent()) {
      Project project = keys.findProject(request.projectId().get())
          .filter(p -> p.organizationId().equals(customer.id()))
          .orElseThrow(() -> new IllegalArgumentException("project " + request.projectId().get()
              + " does not exist in organization " + customer.id()));
      ceiling = project.scopes();
    }
    Set<String> escalated = Scopes.uncovered(ceiling, request.scopes());
    escalated.removeAll(reserved);
    if (!escalated.isEmpty()) {
      throw new ScopeEscalationException("scopes " + escalated + " exceed what the "
          + (request.projectId().isPresent() ? "project" : "organization's plan") + " holds (" + ceiling + ")");
    }
    String secret = ApiKeys.newSecret(environment, random);
    if (raised == null) { // code of the operator's: what is above the plan now is its raise
      Map<String, Long> planLimits = limitsOf(plan);
      raised = new java.util.HashSet<>();
      for (Map.Entry<String, Long> o : request.limitOverrides().entrySet()) {
        if (o.getValue() > planLimits.get(o.getKey())) {
          raised.add(o.getKey());
        }
      }
    }
    ApiKey key = new ApiKey(ApiKeys.newKeyId(random), customer.id(), request.projectId(), credentials.hash(secret),
        request.scopes(), environment, KeyStatus.ACTIVE, time.now(), request.expiresAt(), Optional.empty(),
        Optional.empty(), request.limitOverrides(), raised);
    if (maxKeys == Long.MAX_VALUE) {
      credentials.save(key, Optional.empty());
    } else if (!credentials.saveWithin(key, maxKeys)) {
      return Optional.empty();
    }
    return Optional.of(new IssuedKey(key, secret));
  }

  /** The limits a key of {@code plan} may override: its rate and its quotas, by name. */
  public static Map<String, Long> limitsOf(Plan plan) {
    Map<String, Long> limits = new java.util.HashMap<>();
    limits.put("rate", plan.rate().count());
    for (Quota q : plan.quotas()) {
      limits.put(q.name(), q.limit());
    }
    return limits;
  }

  /** The largest value a key's limit {@code name} takes: a rate's count is at most {@link Rate#MAX_COUNT}. */
  public static long maxOf(String name) {
    return name.equals("rate") ? dev.monetize.plans.Rate.MAX_COUNT : Long.MAX_VALUE;
  }

  private static void requireLimitsOf(Plan plan, Map<String, Long> overrides) {
    Map<String, Long> limits = limitsOf(plan);
    overrides.forEach((name, value) -> {
      if (!limits.containsKey(name)) {
        throw new IllegalArgumentException("limit override '" + name + "' is not a limit of plan '" + plan.name()
            + "'; limits are " + new TreeSet<>(limits.keySet()));
      }
      if (value < 1 || value > maxOf(name)) {
        throw new IllegalArgumentException("limit override '" + name + "' must be "
            + (maxOf(name) == Long.MAX_VALUE ? "at least 1" : "from 1 to " + maxOf(name)) + ", got " + value);
      }
    });
  }

  @Override
  public Project createProject(String organizationId, String name, Set<String> scopes) {
    return createProject(organizationId, name, scopes, Long.MAX_VALUE).orElseThrow();
  }

  /**
   * {@link #createProject(String, String, Set)}, unless the organization holds {@code maxProjects}
   * projects already (empty then): counted and saved as one step ({@link KeyStore#saveProjectWithin}).
   */
  public Optional<Project> createProject(String organizationId, String name, Set<String> scopes, long maxProjects) {
    Customer customer = customers.find(organizationId).orElseThrow(() ->
        new IllegalArgumentException("organization " + organizationId + " does not exist"));
    Set<String> planScopes = catalog.plan(customer.plan()).orElseThrow().scopes();
    Set<String> wanted = scopes.isEmpty() ? planScopes : scopes;
    wanted.forEach(Scopes::validate);
    Set<String> escalated = Scopes.uncovered(planScopes, wanted);
    if (!escalated.isEmpty()) {
      throw new ScopeEscalationException("scopes " + escalated + " exceed what the organization's plan holds");
    }
    Project p = new Project("prj_" + ApiKeys.newKeyId(random).substring(4), organizationId, name, wanted, time.now());
    if (maxProjects == Long.MAX_VALUE) {
      keys.saveProject(p);
    } else if (!keys.saveProjectWithin(p, maxProjects)) {
      return Optional.empty();
    }
    return Optional.of(p);
  }

  @Override
  public Optional<ApiKey> find(String keyId) {
    return keys.findById(keyId);
  }

  @Override
  public Optional<Project> project(String projectId) {
    return keys.findProject(projectId);
  }

  @Override
  public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
    return keys.list(organizationId, projectId, afterId, limit);
  }

  /** Keys of the organization that are not revoked. */
  public long countKeys(String organizationId) {
    return keys.countKeys(organizationId);
  }

  /** Projects of the organization. */
  public long countProjects(String organizationId) {
    return keys.countProjects(organizationId);
  }

  /**
   * Revokes the key, whatever changes it at the same time: a rotation that stored its new secret
   * first is read again and revoked too (a compare-and-set on the store, {@link KeyStore#replace}).
   */
  @Override
  public boolean revoke(String keyId) {
    for (int attempt = 0; attempt < RACES; attempt++) {
      Optional<ApiKey> key = keys.findById(keyId);
      if (key.isEmpty()) {
        return false;
      }
      if (key.get().status() == KeyStatus.REVOKED || credentials.replace(key.get(), key.get().withStatus(KeyStatus.REVOKED))) {
        return true;
      }
    }
    throw new IllegalStateException("key " + keyId + " changed " + RACES + " times while it was being revoked; revoke it again");
  }

  /** How often a revocation or rotation reads a key again after another change of it won the race. */
  private static final int RACES = 64;

  /**
   * Rotates the key unless it is revoked, also when that happens at the same time: the new secret is
   * stored only over the very version read ({@link KeyStore#replace}), so a revocation that landed in
   * between is never undone, and of two rotations at once the second builds on the first.
   */
  @Override
  public Optional<IssuedKey> rotate(String keyId, Duration overlap) {
    if (overlap.isNegative()) {
      throw new IllegalArgumentException("the overlap cannot be negative");
    }
    Duration capped = overlap.compareTo(maxRotationOverlap) > 0 ? maxRotationOverlap : overlap;
    for (int attempt = 0; attempt < RACES; attempt++) {
      Optional<ApiKey> key = keys.findById(keyId);
      if (key.isEmpty() || key.get().status() == KeyStatus.REVOKED) {
        return Optional.empty();
      }
      String secret = ApiKeys.newSecret(key.get().environment(), random);
      ApiKey rotated = key.get().rotated(credentials.hash(secret), time.now().plus(capped));
      if (credentials.replace(key.get(), rotated)) {
        return Optional.of(new IssuedKey(rotated, secret));
      }
    }
    throw new IllegalStateException("key " + keyId + " changed " + RACES + " times while it was being rotated; rotate it again");
  }

  @Override
  public Duration maxRotationOverlap() {
    return maxRotationOverlap;
  }

  /**
   * Mints a token for the principal's key carrying {@code scopes} (the caller checks they are
   * covered) and the version of the secret the principal authenticated with, so that the token
   * dies with that secret when the key is rotated. Empty when the key is gone.
   */
  public Optional<String> mintToken(dev.monetize.Principal principal, Set<String> scopes, java.time.Instant now,
      Duration ttl, dev.monetize.tokens.Tokens tokens) {
    return credentials.byId(principal.keyId()).flatMap(k -> (principal.credential().previousSecret()
            ? k.previousSecretHash() : Optional.of(k.secretHash()))
        .map(hash -> tokens.mint(k.id(), Optional.of(Credentials.version(hash)), principal.customerId(), scopes, now,
            ttl)));
  }
}
