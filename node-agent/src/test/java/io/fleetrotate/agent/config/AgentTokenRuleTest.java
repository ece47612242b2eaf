package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.config.ConfigError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordinator.token} follows the coordinator's rule for {@code auth.agentTokens}: a token
 * the coordinator could never list is a configuration error here, not a 401 at every heartbeat.
 */
class AgentTokenRuleTest {
  @TempDir Path dir;

  @Test
  void tokenShorterThanTheCoordinatorAcceptsIsAConfigError() {
    ConfigError error = ConfigFiles.onlyError(dir, coordinatorWithToken("hunter2"));
    assertThat(error.keyPath()).isEqualTo("coordinator.token");
    assertThat(error.message())
        .isEqualTo(
            "is shorter than 16 characters, which is too easy to guess; use e.g. the output of"
                + " openssl rand -hex 24");
  }

  @Test
  void tokenWithNonAsciiCharactersIsAConfigErrorThatDoesNotQuoteIt() {
    ConfigError error =
        ConfigFiles.onlyError(dir, coordinatorWithToken("agent-token-ünïcode-0123"));
    assertThat(error.keyPath()).isEqualTo("coordinator.token");
    assertThat(error.message()).contains("non-ASCII").doesNotContain("code-0123");
  }

  @Test
  void sixteenPrintableAsciiCharactersAreAToken() throws Exception {
    AgentConfig config = ConfigFiles.load(dir, coordinatorWithToken("0123456789abcdef"));
    assertThat(config.coordinator().orElseThrow().token()).contains("0123456789abcdef");
  }

  private static String coordinatorWithToken(String token) {
    return "coordinator: { url: \"http://c:8420\", token: \""
        + token
        + "\" }\n"
        + ConfigFiles.ONE_FILE;
  }
}
