package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Amounts from users: a decimal written out, read the same whatever zeros trail it; nothing else. */
class AmountsProperties {
  @Property
  void anAmountReadsAsItsValueWhateverZerosTrailIt(@ForAll @LongRange(min = -999_999_999_999L,
      max = 999_999_999_999L) long micros, @ForAll @IntRange(min = 0, max = 12) int zeros) {
    BigDecimal value = BigDecimal.valueOf(micros, 6);
    String text = value.toPlainString() + "0".repeat(zeros);
    BigDecimal read = Amounts.parse(text, "amount");
    assertThat(read.compareTo(value)).isZero();
    assertThat(read.scale()).isLessThanOrEqualTo(Amounts.MAX_DECIMALS);
    assertThat(Amounts.check(value.setScale(6 + zeros), "amount").compareTo(value)).isZero(); // as a JSON number
  }

  @Property
  void aSeventhDecimalThatIsNotZeroOrAnExponentIsRefused(@ForAll @LongRange(min = 0, max = 999_999) long micros,
      @ForAll @IntRange(min = 1, max = 9) int seventh) {
    String text = BigDecimal.valueOf(micros, 6).toPlainString() + seventh;
    assertThatThrownBy(() -> Amounts.parse(text, "amount")).hasMessageStartingWith("amount: a decimal")
        .hasMessageNotContaining(text);
    assertThatThrownBy(() -> Amounts.parse(micros + "e2", "amount")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void anAmountWithAnythingAroundItIsRefused(@ForAll @LongRange(min = 0, max = 999_999_999L) long micros,
      @ForAll("around") String before, @ForAll("around") String after) {
    net.jqwik.api.Assume.that(!(before + after).isEmpty());
    String text = before + BigDecimal.valueOf(micros, 6).toPlainString() + after;
    assertThatThrownBy(() -> Amounts.parse(text, "amount")).hasMessageStartingWith("amount: a decimal");
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> around() {
    return net.jqwik.api.Arbitraries.of("", " ", "\t", "\n", "\u00a0", "\u2003", "+", "x");
  }
}
