package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WireTime gives exactly what java.time gives, on every value the wire can carry. */
class WireTimeTest {

  @Property(tries = 5000)
  void formatsAsInstantToString(@ForAll("instants") Instant t) {
    assertThat(WireTime.format(t)).isEqualTo(t.toString());
  }

  @Property(tries = 5000)
  void parsesAsInstantParse(@ForAll("wireShapedTimestamps") String text) {
    Instant expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeException e) {
      assertThatThrownBy(() -> WireTime.parse(text)).isInstanceOf(DateTimeException.class);
      return;
    }
    assertThat(WireTime.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-21T09:00:00Z",
        "2024-02-29T23:59:59.999999999Z",
        "2026-12-31T24:00:00Z",
        "2026-06-30T23:59:60Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.1Z",
        "1970-01-01T00:00:00.000001Z"
      })
  void agreesOnTheEdges(String text) {
    assertThat(WireTime.parse(text)).isEqualTo(Instant.parse(text));
    assertThat(WireTime.format(Instant.parse(text))).isEqualTo(Instant.parse(text).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-01-01T25:00:00Z"
      })
  void refusesWhatInstantParseRefuses(String text) {
    assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> WireTime.parse(text)).isInstanceOf(DateTimeException.class);
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-62_167_219_200L - 1_000, 253_402_300_799L + 1_000),
            Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
            Arbitraries.longs().between(1_700_000_000L, 1_900_000_000L));
    Arbitrary<Integer> nanos =
        Arbitraries.oneOf(
            Arbitraries.just(0),
            Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
            Arbitraries.integers().between(0, 999_999).map(n -> n * 1_000),
            Arbitraries.integers().between(0, 999_999_999));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  /** yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z with digits anywhere in range and beyond (month 13, hour 24). */
  @Provide
  Arbitrary<String> wireShapedTimestamps() {
    Arbitrary<String> fraction =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9).map(f -> "." + f));
    return Combinators.combine(
            Arbitraries.integers().between(0, 9999),
            Arbitraries.integers().between(0, 19),
            Arbitraries.integers().between(0, 39),
            Arbitraries.integers().between(0, 29),
            Arbitraries.integers().between(0, 69),
            Arbitraries.integers().between(0, 69),
            fraction)
        .as(
            (y, mo, d, h, mi, s, f) ->
                String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", y, mo, d, h, mi, s, f));
  }
}
