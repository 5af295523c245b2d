package dev.monetize.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A page's {@code limit} is 1 to 100 in ASCII digits, nothing else: no sign, no other script's digits. */
class PageLimitProperties {
  @Property(tries = 2_000)
  void onlyAsciiDigitsFromOneToAHundredAreTaken(@ForAll("limits") String value) {
    boolean valid = value.matches("[0-9]{1,3}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 100;
    if (valid) {
      assertThat(ManagementCall.pageLimit(Map.of("limit", value))).isEqualTo(Integer.parseInt(value));
    } else {
      assertThatThrownBy(() -> ManagementCall.pageLimit(Map.of("limit", value))).as(value)
          .isInstanceOf(ManagementRefusal.class).hasMessageContaining("a whole number from 1 to 100");
    }
  }

  @Example
  void aSignOrArabicIndicDigitsAreRefused() {
    for (String value : new String[] {"+5", "-1", "\u0663", "\u0661\u0660", " 5", "05x"}) {
      assertThatThrownBy(() -> ManagementCall.pageLimit(Map.of("limit", value))).as(value)
          .isInstanceOf(ManagementRefusal.class);
    }
    assertThat(ManagementCall.pageLimit(Map.of())).isEqualTo(20);
  }

  @Provide
  Arbitrary<String> limits() {
    return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789+- \u0663\u0661x").ofMaxLength(4),
        Arbitraries.integers().between(-5, 120).map(String::valueOf));
  }
}
