package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator jar started as an operator starts it ({@code java -jar}, no JVM flags): its
 * manifest gives the embedded Hazelcast member the module access it asks for, so it starts without
 * its --add-opens warning, and it says where it listens in a line of its own.
 */
class CoordinatorJarTest {
  @Test
  void startsWithoutHazelcastsModuleWarningAndSaysWhereItListens(@TempDir Path tmp)
      throws Exception {
    int http = ComposeTools.freePort();
    int member = ComposeTools.freePort();
    Path config =
        Files.writeString(
            tmp.resolve("coordinator.yaml"),
            "http: { port: "
                + http
                + " }\n"
                + "auth:\n"
                + "  agentTokens: [\"agent-token-0123456789abcdef\"]\n"
                + "  adminTokens: [\"admin-token-0123456789abcdef\"]\n"
                + "hazelcast: { port: "
                + member
                + " }\n"
                + "store: { dir: \""
                + tmp.resolve("store")
                + "\" }\n");
    Path out = tmp.resolve("out.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    ComposeProject.java(),
                    "-jar",
                    ComposeProject.jar("coordinator").toString(),
                    "run",
                    "--config",
                    config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(out, StandardCharsets.UTF_8).contains("listening on"));
      String log = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(log).contains(":" + http);
      assertThat(log).doesNotContain("Java modular environment").doesNotContain("--add-opens");
    } finally {
      ComposeTools.stop(p, Duration.ofSeconds(10));
    }
  }
}
