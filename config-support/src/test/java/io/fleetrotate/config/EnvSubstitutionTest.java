package io.fleetrotate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
  private final EnvSubstitution env =
      new EnvSubstitution(Map.of("A", "1", "EMPTY", ""), () -> Optional.of("box"));

  @Test
  void replacesReferencesAndDefaultsLikeTheShell() {
    assertThat(env.apply("x${A}y${A}")).isEqualTo("x1y1");
    assertThat(env.apply("${B:-two}")).isEqualTo("two");
    assertThat(env.apply("${EMPTY:-fallback}")).isEqualTo("fallback");
    assertThat(env.apply("${EMPTY}")).isEmpty();
    assertThat(env.apply("${B:-}")).isEmpty();
    assertThat(env.apply("$A and $${A}")).isEqualTo("$A and ${A}");
    assertThat(env.apply("${HOSTNAME}")).isEqualTo("box");
  }

  @Test
  void refusesUnsetAndMalformedReferences() {
    assertThatThrownBy(() -> env.apply("${B}"))
        .isInstanceOf(ValueFormatException.class)
        .hasMessage(
            "environment variable B is not set; set it, or write ${B:-default} to give a default");
    assertThatThrownBy(() -> env.apply("${A")).hasMessageContaining("without its closing }");
    assertThatThrownBy(() -> env.apply("${1X}"))
        .hasMessage("\"${1X}\" is not a variable reference; write ${NAME} or ${NAME:-default}");
  }
}
