package io.fleetrotate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void parsesBinaryUnitsAndBareBytes() {
    assertThat(Sizes.parse("0")).isZero();
    assertThat(Sizes.parse("512B")).isEqualTo(512);
    assertThat(Sizes.parse("64KiB")).isEqualTo(64 * 1024);
    assertThat(Sizes.parse("100MiB")).isEqualTo(100L << 20);
    assertThat(Sizes.parse("1.5GiB")).isEqualTo(3L << 29);
    assertThat(Sizes.parse("1.1KiB")).isEqualTo(1126);
    assertThat(Sizes.parse("5TiB")).isEqualTo(5L << 40);
  }

  @Test
  void refusesSpacesDecimalUnitsAndShorthandsSuggestingTheBinaryUnit() {
    assertThatThrownBy(() -> Sizes.parse("100 MB"))
        .isInstanceOf(ValueFormatException.class)
        .hasMessageStartingWith("\"100 MB\" is not a size; write e.g. 100MiB");
    assertThatThrownBy(() -> Sizes.parse("100MB"))
        .hasMessageStartingWith("\"100MB\" is not a size; write e.g. 100MiB");
    assertThatThrownBy(() -> Sizes.parse("2G"))
        .hasMessageStartingWith("\"2G\" is not a size; write e.g. 2GiB");
    assertThatThrownBy(() -> Sizes.parse("10mib"))
        .hasMessageStartingWith("\"10mib\" is not a size; write e.g. 10MiB");
    assertThatThrownBy(() -> Sizes.parse("-1KiB")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> Sizes.parse("0.5B"))
        .hasMessage("\"0.5B\" is not a whole number of bytes");
    assertThatThrownBy(() -> Sizes.parse("9999999TiB"))
        .hasMessage("\"9999999TiB\" is too large for a size");
  }

  @Test
  void formatsForPeopleWithOneDecimal() {
    assertThat(Sizes.format(1536)).isEqualTo("1.5KiB");
    assertThat(Sizes.format(0)).isEqualTo("0B");
    assertThat(Sizes.format(1023)).isEqualTo("1023B");
    assertThat(Sizes.format(100L << 20)).isEqualTo("100MiB");
    assertThat(Sizes.format((1L << 20) - 1)).isEqualTo("1MiB");
    assertThat(Sizes.format(-2048)).isEqualTo("-2KiB");
    assertThat(Sizes.format(Long.MAX_VALUE)).endsWith("TiB");
  }

  @Test
  void formatsExactlyInTheLargestDividingUnit() {
    assertThat(Sizes.formatExact(100L << 20)).isEqualTo("100MiB");
    assertThat(Sizes.formatExact(1536)).isEqualTo("1536B");
    assertThat(Sizes.formatExact(0)).isEqualTo("0B");
  }

  @Property
  void exactFormatParsesBackToTheSameSize(@ForAll @LongRange(min = 0) long bytes) {
    assertThat(Sizes.parse(Sizes.formatExact(bytes))).isEqualTo(bytes);
  }

  @Property
  void shiftedSizesRoundTripThroughTheirUnit(
      @ForAll @LongRange(min = 0, max = 1 << 20) long count, @ForAll("shifts") int shift) {
    long bytes = count << shift;
    assertThat(Sizes.parse(Sizes.formatExact(bytes))).isEqualTo(bytes);
  }

  @Property
  void formatForPeopleParsesBackWithinItsOneDecimal(
      // Up to 1EiB: near Long.MAX_VALUE, rounding up leaves the range of a long.
      @ForAll @LongRange(min = 1, max = 1L << 60) long bytes) {
    double parsed = Sizes.parse(Sizes.format(bytes));
    // One decimal of a unit is at most 0.05 off a number that is at least 1 in that unit.
    assertThat(Math.abs(parsed - bytes) / bytes).isLessThanOrEqualTo(0.05);
  }

  @Property
  void anyStringEitherParsesOrFailsWithTheTypedError(@ForAll String text) {
    try {
      assertThat(Sizes.parse(text)).isNotNegative();
    } catch (ValueFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Property
  void unitLikeStringsEitherParseOrFailWithTheTypedError(@ForAll("unitLike") String text) {
    try {
      assertThat(Sizes.parse(text)).isNotNegative();
    } catch (ValueFormatException e) {
      assertThat(e.getMessage()).contains("\"" + text + "\"");
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> shifts() {
    return net.jqwik.api.Arbitraries.of(0, 10, 20, 30, 40);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> unitLike() {
    return net.jqwik.api.Arbitraries.strings().withChars("0123456789.KMGTiB b").ofMaxLength(12);
  }

  @org.junit.jupiter.api.Test
  void decimalUnitsAreRefusedWithTheBinaryUnitSuggestedAndTheReason() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sizes.parse("50MB"))
        .isInstanceOf(ValueFormatException.class)
        .hasMessage(
            "\"50MB\" is not a size; write e.g. 50MiB (units: B, KiB, MiB, GiB, TiB, no space"
                + " before the unit; MB is refused because it is read both as a power of 1000 and"
                + " of 1024)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sizes.parse("1.5gb"))
        .hasMessageStartingWith("\"1.5gb\" is not a size; write e.g. 1.5GiB")
        .hasMessageContaining("gb is refused");
    org.assertj.core.api.Assertions.assertThat(Sizes.parse("50MiB")).isEqualTo(50L << 20);
  }
}
