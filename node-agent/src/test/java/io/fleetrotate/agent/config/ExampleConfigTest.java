package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.config.ConfigError;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped agent-example.yaml loads, and shows every key there is. */
class ExampleConfigTest {
  @TempDir Path dir;

  @Test
  void shippedExampleLoadsWithItsVariablesSet() throws Exception {
    Path file = ConfigFiles.copyResource(dir, "/agent-example.yaml", "agent-example.yaml");

    AgentConfig config =
        ConfigFiles.load(
            file,
            Map.of("HOSTNAME", "mcp-host-2", "FLEETROTATE_AGENT_TOKEN", "t0ken-agent-token-0123"));

    assertThat(config.node().id()).isEqualTo("mcp-host-2");
    assertThat(config.files()).hasSize(3);
    FileConfig server = config.files().get(0);
    assertThat(server.trigger().schedule().orElseThrow().zone())
        .isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(server.trigger().minSizeBytes()).isEqualTo(1024);
    assertThat(server.create().mode()).hasValue(0640);
    assertThat(server.backup().dir()).contains(Path.of("/var/log/mcp-server/archive"));
    assertThat(config.files().get(1).reopen()).isInstanceOf(ReopenConfig.Http.class);
    assertThat(config.files().get(2).reopen())
        .isEqualTo(
            new ReopenConfig.Command(
                List.of("/usr/bin/systemctl", "kill", "-s", "USR1", "mcp-worker"),
                java.time.Duration.ofSeconds(30)));
  }

  @Test
  void shippedExampleWithoutItsVariablesNamesEachMissingOne() {
    Path file = ConfigFiles.copyResource(dir, "/agent-example.yaml", "agent-example.yaml");

    List<ConfigError> errors = ConfigFiles.errors(file, Map.of());

    assertThat(errors).extracting(ConfigError::keyPath).containsExactly("coordinator.token");
  }
}
