package dev.monetize.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
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

  /** The usage meter cuts its intervals on quarter hours: a zone whose days start elsewhere is refused. */
  @Property
  void anOffsetIsTakenExactlyWhenItIsAWholeQuarterHour(@ForAll @IntRange(min = -18 * 3600, max = 18 * 3600) int seconds) {
    ZoneOffset offset = ZoneOffset.ofTotalSeconds(seconds);
    if (seconds % 900 == 0) {
      assertThat(BillingAnchor.of(1, offset).zone()).isEqualTo(seconds == 0 ? ZoneId.of("UTC") : offset);
    } else {
      assertThatThrownBy(() -> BillingAnchor.of(1, offset)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a whole quarter hour");
    }
  }

  @Test
  void everyRegionIsTakenAndAPrefixedOddOffsetIsNot() {
    for (String id : ZoneId.getAvailableZoneIds()) {
      assertThat(BillingAnchor.of(1, ZoneId.of(id)).zone().getId()).as(id).isEqualTo(id);
    }
    assertThat(BillingAnchor.of(1, ZoneId.of("Asia/Kathmandu")).zone().getId()).isEqualTo("Asia/Kathmandu"); // +05:45
    assertThatThrownBy(() -> BillingAnchor.of(1, ZoneId.of("UTC+05:17:30")))
        .hasMessageStartingWith("time zone UTC+05:17:30 is +05:17:30 from UTC, not a whole quarter hour");
    // an anchor stored before the check is read back as it is
    assertThat(new BillingAnchor(1, ZoneOffset.ofHoursMinutes(5, 17)).zone()).isEqualTo(ZoneOffset.ofHoursMinutes(5, 17));
  }
}
