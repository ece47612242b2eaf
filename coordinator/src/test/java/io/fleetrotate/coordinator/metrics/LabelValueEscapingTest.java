package io.fleetrotate.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A scrape never shows a raw control character, whatever a label value holds. */
class LabelValueEscapingTest {
  @Test
  void controlCharactersAndLoneSurrogatesInLabelValuesBecomeQuestionMarks() {
    StringBuilder out = new StringBuilder();

    new TextWriter(out).sample("m", 1, "path", "/var/log/\u001b[2Ja\u0000b\rc\ud800d\n\"\\");

    assertThat(out.toString()).isEqualTo("m{path=\"/var/log/?[2Ja?b?c?d\\n\\\"\\\\\"} 1\n");
    assertThat(out.toString().chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void pairedSurrogatesAreKept() {
    StringBuilder out = new StringBuilder();

    new TextWriter(out).sample("m", 1, "node", "host-\ud83d\ude80\u0007");

    assertThat(out.toString()).isEqualTo("m{node=\"host-\ud83d\ude80?\"} 1\n");
  }
}
