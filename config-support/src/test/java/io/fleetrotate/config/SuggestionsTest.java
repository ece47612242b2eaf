package io.fleetrotate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> TRIGGER_KEYS =
      List.of("maxSize", "schedule", "timeZone", "maxAge", "minSize", "rotateEmpty");

  @Test
  void typosTranspositionsAndCaseSuggestTheKnownKey() {
    assertThat(Suggestions.closest("maxSzie", TRIGGER_KEYS)).contains("maxSize");
    assertThat(Suggestions.closest("shedule", TRIGGER_KEYS)).contains("schedule");
    assertThat(Suggestions.closest("timezone", TRIGGER_KEYS)).contains("timeZone");
    assertThat(Suggestions.closest("rotate_empty", TRIGGER_KEYS)).contains("rotateEmpty");
  }

  @Test
  void unrelatedWordsSuggestNothing() {
    assertThat(Suggestions.closest("colour", TRIGGER_KEYS)).isEmpty();
    assertThat(Suggestions.closest("size", TRIGGER_KEYS)).isEmpty();
  }
}
