package io.fleetrotate.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A scrape never shows a raw control character, whatever a label value holds. */
class LabelValueEscapingTest {
  @Test
  void controlCharactersAndLoneSurrogatesInLabelValuesBecomeQuestionMarks() {
    String out =
        written(w -> w.sample("m", 1, "path", "/var/log/\u001b[2Ja\u0000b\rc\ud800d\n\"\\"));

    assertThat(out).isEqualTo("m{path=\"/var/log/?[2Ja?b?c?d\\n\\\"\\\\\"} 1\n");
    assertThat(out.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void pairedSurrogatesAreKept() {
    String out = written(w -> w.sample("m", 1, "node", "host-\ud83d\ude80\u0007"));

    assertThat(out).isEqualTo("m{node=\"host-\ud83d\ude80?\"} 1\n");
  }

  private static String written(Consumer<TextWriter> samples) {
    Exposition out = new Exposition();
    samples.accept(new TextWriter(out));
    return out.text();
  }
}
