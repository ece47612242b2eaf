package io.fleetrotate.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewerTokensConfigTest {
  @TempDir Path dir;

  private CoordinatorConfig load(String viewer) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("coordinator.yaml"),
            """
            auth:
              agentTokens: ["agent-token-0123456789abcdef"]
              adminTokens: ["admin-token-0123456789abcdef"]
              viewerTokens: [%s]
            store: { dir: %s }
            """
                .formatted(viewer, dir));
    return ConfigLoader.load(file, Map.of());
  }

  @Test
  void viewerTokensAreReadAndMayNotRepeatAnotherScopesToken() throws Exception {
    assertThat(load("\"viewer-token-0123456789abcdef\"").auth().viewerTokens())
        .containsExactly("viewer-token-0123456789abcdef");
    assertThatThrownBy(() -> load("\"admin-token-0123456789abcdef\""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("viewerTokens")
        .hasMessageContaining("give each reader its own token");
  }
}
