package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A class's lifecycle is the default of its methods, as its other attributes are: a method with an
 * annotation of its own is still deprecated and sunset with its class (a retired version was served
 * and billed when a method named its own id), unless it declares a version of its own.
 */
class MonetizedLifecycleTest {
  @Monetized(version = "v0", deprecated = "2020-01-01", sunset = "2021-01-01", successor = "v1")
  static final class Retired {
    @Monetized(id = "stats.summary.v0")
    void summary() { }

    @Monetized(id = "stats.export.v0", sunset = "2022-01-01")
    void export() { }

    @Monetized(id = "stats.summary.v1", version = "v1")
    void current() { }
  }

  @Monetized(version = "v2")
  static final class Partial {
    @Monetized(id = "orphan", sunset = "2030-01-01")
    void orphan() { }
  }

  @Test
  void aMethodWithAnAnnotationOfItsOwnKeepsItsClasssLifecycleUnlessItNamesAnotherVersion() throws Exception {
    Monetized onClass = Retired.class.getAnnotation(Monetized.class);
    var summary = declared("summary", onClass);
    assertThat(summary.operation().lifecycle()).hasValueSatisfying(l -> {
      assertThat(l.deprecatedAt()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
      assertThat(l.sunsetAt()).contains(Instant.parse("2021-01-01T00:00:00Z"));
      assertThat(l.successor()).contains("v1");
    });
    assertThat(declared("export", onClass).operation().lifecycle()).hasValueSatisfying(l -> {
      assertThat(l.deprecatedAt()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z")); // the class's
      assertThat(l.sunsetAt()).contains(Instant.parse("2022-01-01T00:00:00Z")); // its own
    });
    assertThat(declared("current", onClass).operation().lifecycle()).isEmpty();
    assertThatThrownBy(() -> declared(Partial.class.getDeclaredMethod("orphan").getAnnotation(Monetized.class),
        Partial.class.getAnnotation(Monetized.class))).hasMessageContaining("need deprecated");
  }

  private static MonetizedOperations.Declared declared(String method, Monetized onClass) throws Exception {
    return declared(Retired.class.getDeclaredMethod(method).getAnnotation(Monetized.class), onClass);
  }

  private static MonetizedOperations.Declared declared(Monetized onMethod, Monetized onClass) {
    return MonetizedOperations.declared(onMethod, onClass, "Retired.x", "GET", "/v1/stats");
  }
}
