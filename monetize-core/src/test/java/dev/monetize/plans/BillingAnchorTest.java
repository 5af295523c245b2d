package dev.monetize.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A billing anchor names its zone as the management API does, and refuses a day no month has. */
class BillingAnchorTest {
  @Test
  void utcIsNamedUtcHoweverItIsGiven() {
    assertThat(BillingAnchor.DEFAULT.zone().getId()).isEqualTo("UTC");
    assertThat(BillingAnchor.of(1, ZoneOffset.UTC).zone().getId()).isEqualTo("UTC");
    assertThat(BillingAnchor.of(1, ZoneOffset.UTC)).isEqualTo(BillingAnchor.of(1, ZoneId.of("UTC")));
    assertThat(BillingAnchor.of(15, ZoneId.of("Europe/Berlin")).zone().getId()).isEqualTo("Europe/Berlin");
    assertThat(BillingAnchor.of(1, ZoneOffset.ofHours(2)).zone()).isEqualTo(ZoneOffset.ofHours(2));
  }

  @Test
  void aDayOutsideOneToThirtyOneIsRefusedByName() {
    assertThatThrownBy(() -> BillingAnchor.of(0, ZoneId.of("UTC"))).hasMessage("billing day must be 1..31, got 0");
    assertThatThrownBy(() -> BillingAnchor.of(32, ZoneId.of("UTC"))).hasMessage("billing day must be 1..31, got 32");
  }
}
