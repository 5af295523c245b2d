package dev.monetize.plans;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Scope coverage is a partial order in which no wildcard reaches a reserved scope, and a credential
 * built from another never holds a scope it was not granted.
 */
class ScopesProperties {
  @Provide
  Arbitrary<String> scopes() {
    Arbitrary<String> segment = Arbitraries.of("stats", "events", "keys", "read", "write", "raw");
    Arbitrary<String> plain = segment.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(":", l));
    Arbitrary<String> wildcard = plain.map(s -> s + ":*");
    return Arbitraries.oneOf(plain, wildcard, Arbitraries.of("*", "monetize:admin", "monetize:billing"));
  }

  @Provide
  Arbitrary<Set<String>> scopeSets() {
    return scopes().set().ofMaxSize(5);
  }

  @Property
  void coversIsReflexive(@ForAll("scopes") String a) {
    assertThat(Scopes.covers(a, a)).isTrue();
  }

  @Property
  void coversIsAntisymmetric(@ForAll("scopes") String a, @ForAll("scopes") String b) {
    if (Scopes.covers(a, b) && Scopes.covers(b, a)) {
      assertThat(a).isEqualTo(b);
    }
  }

  @Property
  void coversIsTransitive(@ForAll("scopes") String a, @ForAll("scopes") String b, @ForAll("scopes") String c) {
    if (Scopes.covers(a, b) && Scopes.covers(b, c)) {
      assertThat(Scopes.covers(a, c)).as("%s covers %s covers %s", a, b, c).isTrue();
    }
  }

  @Property
  void wildcardsNeverCoverReservedScopes(@ForAll("scopes") String grant, @ForAll("scopes") String reserved) {
    if (Scopes.reserved(reserved) && !grant.equals(reserved)) {
      assertThat(Scopes.covers(grant, reserved)).isFalse();
      assertThat(Scopes.grants(Set.of(grant), reserved)).isFalse();
    }
  }

  @Property
  void anIntersectionNeverHoldsMoreThanEitherSide(@ForAll("scopeSets") Set<String> token,
      @ForAll("scopeSets") Set<String> key, @ForAll("scopes") String asked) {
    Set<String> effective = Scopes.intersect(token, key);
    if (Scopes.grants(effective, asked)) {
      assertThat(Scopes.grants(token, asked)).isTrue();
      assertThat(Scopes.grants(key, asked)).isTrue();
    }
    // and loses nothing both sides hold
    if (Scopes.grants(token, asked) && Scopes.grants(key, asked)) {
      assertThat(Scopes.grants(effective, asked)).isTrue();
    }
  }

  @Property
  void aChildWhoseScopesAreCoveredNeverGrantsBeyondItsParent(@ForAll("scopeSets") Set<String> parent,
      @ForAll("scopeSets") Set<String> child, @ForAll("scopes") String asked) {
    if (Scopes.uncovered(parent, child).isEmpty() && Scopes.grants(child, asked)) {
      assertThat(Scopes.grants(parent, asked)).as("%s within %s grants %s", child, parent, asked).isTrue();
    }
  }
}
