package dev.monetize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.internal.Credentials;
import dev.monetize.management.internal.DashboardSessions;
import dev.monetize.plans.Operation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The dashboard sessions of this instance, in memory: found by the SHA-256 of their secret (a
 * leaked heap dump holds no usable cookie), ended after {@link DashboardSessions#IDLE} without use
 * or {@link DashboardSessions#MAXIMUM} after sign-in, at most {@value #PER_KEY} per key and
 * {@value #PER_ORGANIZATION} per organization (a new sign-in ends the key's, then the organization's
 * oldest) and {@value #MAXIMUM_SESSIONS} in all: a sign-in past that is refused ({@link Full}), so
 * that no organization, nor a few together, can end the sessions of others by filling the store.
 */
final class SessionStore implements DashboardSessions {
  static final int MAXIMUM_SESSIONS = 100_000;
  /** Sessions one key keeps open at most: an eleventh sign-in ends the oldest (no key fills the store). */
  static final int PER_KEY = 10;
  /** Sessions one organization keeps open at most, whatever its number of keys. */
  static final int PER_ORGANIZATION = 100;
  /** Opens between two sweeps of the per-key and per-organization lists (those of keys gone for good go). */
  private static final int SWEEP_EVERY = 1024;
  /** Each key's sessions, oldest first, by digest. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.ArrayDeque<String>> byKey =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Each organization's sessions, oldest first, by digest. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.ArrayDeque<String>> byOrganization =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger opens = new java.util.concurrent.atomic.AtomicInteger();

  /** Which credential opened a session: a key and which of its secrets, or the operator; never a secret. */
  private record Grant(Optional<String> keyId, String secretVersion, Instant notAfter) {}

  private final Cache<String, Grant> sessions;
  private final int maximum;
  private final int perOrganization;
  private final Identification identification;
  private final Credentials credentials;
  private final KeyEnvironment environment;
  private final TimeSource time;
  private final SecureRandom random;
  private final Operation asOperation;

  SessionStore(Identification identification, Credentials credentials, KeyEnvironment environment, TimeSource time,
      SecureRandom random, Operation asOperation) {
    this(identification, credentials, environment, time, random, asOperation, MAXIMUM_SESSIONS, PER_ORGANIZATION);
  }

  /** A store keeping {@code maximum} sessions in all and {@code perOrganization} per organization. */
  SessionStore(Identification identification, Credentials credentials, KeyEnvironment environment, TimeSource time,
      SecureRandom random, Operation asOperation, int maximum, int perOrganization) {
    this.maximum = maximum;
    this.perOrganization = perOrganization;
    this.identification = identification;
    this.credentials = credentials;
    this.environment = environment;
    this.time = time;
    this.random = random;
    this.asOperation = asOperation;
    // the bound is checked before a sign-in (refused when reached); the cache's own, a little above, only
    // catches sign-ins racing for the last places
    this.sessions = Caffeine.newBuilder().ticker(time::epochNanos).expireAfterAccess(IDLE)
        .maximumSize(maximum + 1_000L).build();
  }

  @Override
  public Optional<Opened> open(Principal principal) {
    Credential c = principal.credential();
    Grant grant;
    Instant notAfter = time.now().plus(MAXIMUM);
    if (c.isOperator()) {
      grant = new Grant(Optional.empty(), "", notAfter);
    } else if (c.isToken()) {
      return Optional.empty();
    } else {
      Optional<ApiKey> key = credentials.byId(principal.keyId());
      if (key.isEmpty()) {
        return Optional.empty();
      }
      String hash = c.previousSecret() ? key.get().previousSecretHash().orElse("") : key.get().secretHash();
      grant = new Grant(Optional.of(key.get().id()), Credentials.version(hash), notAfter);
    }
    if (c.expiresAt().isPresent() && c.expiresAt().get().isBefore(notAfter)) { // never outlives its key
      grant = new Grant(grant.keyId(), grant.secretVersion(), c.expiresAt().get());
    }
    boolean operator = c.isOperator() || dev.monetize.management.Authority.operator(principal); // 10 at most
    if (!operator && sessions.estimatedSize() >= maximum) {
      sessions.cleanUp(); // the sessions ended but not yet removed do not count
      if (sessions.estimatedSize() >= maximum) {
        throw new Full();
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = "ms_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String id = digest(secret);
    sessions.put(id, grant);
    keep(byKey, grant.keyId().orElse(""), id, PER_KEY);
    keep(byOrganization, principal.customerId(), id, perOrganization);
    if (opens.incrementAndGet() % SWEEP_EVERY == 0) {
      sweep(byKey);
      sweep(byOrganization);
    }
    return Optional.of(new Opened(secret, grant.notAfter()));
  }

  /** Adds session {@code id} to {@code owner}'s list in {@code lists}, ending its oldest past {@code most}. */
  private void keep(java.util.concurrent.ConcurrentHashMap<String, java.util.ArrayDeque<String>> lists, String owner,
      String id, int most) {
    lists.compute(owner, (k, q) -> {
      java.util.ArrayDeque<String> open = q == null ? new java.util.ArrayDeque<>() : q;
      open.removeIf(this::ended); // no touch keeps one alive
      open.addLast(id);
      while (open.size() > most) {
        sessions.invalidate(open.removeFirst());
      }
      return open;
    });
  }

  /** Drops the ended sessions from every list, and the lists left empty (keys revoked, never back). */
  private void sweep(java.util.concurrent.ConcurrentHashMap<String, java.util.ArrayDeque<String>> lists) {
    for (String owner : lists.keySet()) {
      lists.computeIfPresent(owner, (k, q) -> {
        q.removeIf(this::ended);
        return q.isEmpty() ? null : q;
      });
    }
  }

  private boolean ended(String id) {
    return sessions.policy().getIfPresentQuietly(id) == null;
  }

  /** How many organizations and keys have sessions listed (for tests). */
  int listed() {
    return byKey.size() + byOrganization.size();
  }

  @Override
  public Decision resume(String secret) {
    String id = digest(secret);
    Grant grant = sessions.getIfPresent(id);
    Instant now = time.now();
    if (grant == null || !now.isBefore(grant.notAfter())) {
      sessions.invalidate(id);
      return Decision.refuse(ErrorCode.SESSION_EXPIRED, "No dashboard session is open with this cookie; sign in "
          + "again.", Optional.empty(), asOperation);
    }
    if (grant.keyId().isEmpty()) {
      return identification.operator().map(p -> Decision.admit(p, asOperation, java.util.List.of(), false, false))
          .orElseGet(() -> Decision.refuse(ErrorCode.SESSION_EXPIRED, "The operator credential is no longer "
              + "configured; the session ended.", Optional.empty(), asOperation));
    }
    Optional<ApiKey> found = credentials.byId(grant.keyId().get());
    if (found.isEmpty() || found.get().environment() != environment) {
      sessions.invalidate(id);
      return Decision.refuse(ErrorCode.SESSION_EXPIRED, "The key that opened this session is not known any "
          + "more; sign in again.", Optional.empty(), asOperation);
    }
    ApiKey key = found.get();
    Credential credential;
    if (grant.secretVersion().equals(Credentials.version(key.secretHash()))) {
      credential = Credential.key(key.expiresAt()); // what it creates may live as long as the key, not the session
    } else {
      // rotated, overlap or not: the overlap keeps services running on the old secret, while a rotation is
      // what one does about a leaked secret, so the sessions it opened (a person, who can sign in again) end
      sessions.invalidate(id);
      return Decision.refuse(ErrorCode.KEY_ROTATED, "Key " + key.id() + " was rotated since this session was "
          + "opened; sign in with its new secret.", Optional.empty(), asOperation);
    }
    Decision d = identification.principalOf(asOperation, key, key.scopes(), now, credential);
    if (!d.admitted()) {
      sessions.invalidate(id);
    }
    return d;
  }

  @Override
  public boolean open(String secret) {
    Grant grant = sessions.policy().getIfPresentQuietly(digest(secret));
    return grant != null && time.now().isBefore(grant.notAfter());
  }

  @Override
  public void close(String secret) {
    sessions.invalidate(digest(secret));
  }

  private static String digest(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
