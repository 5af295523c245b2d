package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.SecretHasher;
import dev.monetize.keys.internal.Credentials;
import dev.monetize.management.internal.DashboardSessions;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Rate;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's sessions are bounded per key, per organization and in all, and a full store
 * refuses a sign-in rather than end other organizations' sessions.
 */
class SessionStoreTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-07T10:00:00Z"));
  private final KeyStore keys = KeyStore.inMemory();
  private final Plan plan = Plan.builder("pro").rate(Rate.perSecond(5)).quota(dev.monetize.plans.Quota.daily(100))
      .scopes("*").build();
  private int made;

  private SessionStore store(int maximum, int perOrganization) {
    Credentials credentials = new Credentials(keys, SecretHasher.sha256(), Duration.ZERO, Duration.ZERO, 1_000,
        time::epochNanos);
    return new SessionStore(null, credentials, KeyEnvironment.TEST, time, new SecureRandom(),
        Operation.builder("monetize.management", "POST", "/monetize").scope("monetize:management").build(),
        maximum, perOrganization);
  }

  /** A new key of {@code organization}, as the principal it signs in as. */
  private Principal key(String organization) {
    String id = "key_" + (++made);
    keys.save(new ApiKey(id, organization, Optional.empty(), "hash-" + id, Set.of("*"), KeyEnvironment.TEST,
        KeyStatus.ACTIVE, time.now(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Set.of()));
    return new Principal(Customer.of(organization, "pro"), plan, id, Set.of("*"));
  }

  private static String signIn(SessionStore store, Principal p) {
    return store.open(p).orElseThrow().secret();
  }

  @Test
  void anOrganizationSigningInPastItsShareEndsItsOwnOldestSessions() {
    SessionStore store = store(1_000, 5);
    String other = signIn(store, key("globex"));
    List<String> acme = new ArrayList<>();
    for (int k = 0; k < 3; k++) { // three keys, two sign-ins each: six sessions, one more than acme keeps
      Principal p = key("acme");
      acme.add(signIn(store, p));
      acme.add(signIn(store, p));
    }
    assertThat(store.open(acme.get(0))).as("acme's oldest").isFalse();
    assertThat(acme.subList(1, 6)).allMatch(store::open);
    assertThat(store.open(other)).as("another organization's").isTrue();
  }

  @Test
  void aFullStoreRefusesASignInAndEndsNobodysSession() {
    SessionStore store = store(12, 4);
    List<String> open = new ArrayList<>();
    for (String org : List.of("a", "b", "c")) {
      Principal p = key(org);
      for (int i = 0; i < 4; i++) {
        open.add(signIn(store, p));
      }
    }
    assertThatThrownBy(() -> store.open(key("late"))).isInstanceOf(DashboardSessions.Full.class);
    assertThat(open).allMatch(store::open);
    // the operator still signs in (it keeps 10 sessions at most)
    Principal operator = new Principal(Customer.of("monetize.operator", "pro"), plan, "", Set.of("*"), Map.of(),
        Credential.operator());
    assertThat(store.open(operator)).isPresent();
    Principal operatorKey = new Principal(Customer.of("ops", "pro"), plan, key("ops").keyId(),
        Set.of("monetize:admin"));
    assertThat(store.open(operatorKey)).as("a key holding monetize:admin").isPresent();
    // once sessions end, there is room again
    time.advance(DashboardSessions.IDLE.plusMinutes(1));
    assertThat(store.open(key("late"))).isPresent();
  }

  @Test
  void theListsOfKeysNeverBackAreSweptAway() {
    SessionStore store = store(10_000, 100);
    for (int i = 0; i < 1_024; i++) {
      signIn(store, key("org-" + i));
    }
    assertThat(store.listed()).isEqualTo(2 * 1_024);
    time.advance(DashboardSessions.IDLE.plusMinutes(1)); // every session of those keys ended
    for (int i = 0; i < 1_024; i++) {
      signIn(store, key("new-" + i));
    }
    assertThat(store.listed()).as("the ended keys' and organizations' lists are gone").isEqualTo(2 * 1_024);
  }
}
