package io.fleetrotate.coordinator.mcp;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP endpoint driven by the official TypeScript client ({@code @modelcontextprotocol/sdk} from
 * npm, installed under target/ at test time). Without npm or the registry the test is skipped with
 * the reason printed, and fails instead when CI=true.
 */
class McpTypeScriptClientTest {
  static final String SDK = "@modelcontextprotocol/sdk@1.32.2";
  static final Path INSTALL = Path.of("target", "mcp-ts");

  @TempDir Path dir;
  McpJavaClientTest setup = new McpJavaClientTest();

  @BeforeEach
  void start() throws Exception {
    setup.dir = dir;
    setup.start();
  }

  @AfterEach
  void stop() {
    setup.stop();
  }

  static void skipOrFail(String reason) {
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(reason + " (CI=true: a missing tool fails the test)");
    }
    System.out.println("SKIPPED McpTypeScriptClientTest: " + reason);
    Assumptions.abort(reason);
  }

  /** Installs the SDK under target/mcp-ts once; the client script beside it. */
  static Path installClient() throws Exception {
    Files.createDirectories(INSTALL);
    try (InputStream in = McpTypeScriptClientTest.class.getResourceAsStream("/mcp-ts/client.mjs")) {
      Files.copy(in, INSTALL.resolve("client.mjs"), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(INSTALL.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      return INSTALL;
    }
    Files.writeString(INSTALL.resolve("package.json"), "{\"private\": true, \"type\": \"module\"}");
    Process npm;
    try {
      npm =
          new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent", SDK)
              .directory(INSTALL.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      skipOrFail("npm is not installed (" + e.getMessage() + ")");
      return null;
    }
    String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
      npm.destroyForcibly();
      skipOrFail("npm could not install " + SDK + " (is the registry reachable?): " + output);
    }
    return INSTALL;
  }

  @Test
  void theTypeScriptClientListsAsksAndIsRefusedWhereItShouldBe() throws Exception {
    Path install = installClient();
    ProcessBuilder pb = new ProcessBuilder("node", "client.mjs").directory(install.toFile());
    pb.environment().put("MCP_URL", "http://127.0.0.1:" + setup.coordinator.port() + "/mcp");
    pb.environment().put("MCP_ADMIN", ADMIN);
    pb.environment().put("MCP_VIEWER", McpJavaClientTest.VIEWER);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process node = pb.start();
    String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as("node client.mjs, stdout: %s", stdout).isZero();
    JsonObject out = new JsonObject(stdout.trim());

    assertThat(out.getJsonArray("tools").getList())
        .containsExactly(
            "explain_failures",
            "fleet_summary",
            "nodes_at_risk",
            "recommend_policy",
            "rotate_now",
            "rotation_history");
    assertThat(out.getJsonObject("summary").getJsonObject("nodes").getInteger("total"))
        .isEqualTo(1);
    assertThat(out.getString("summaryText")).contains("fullest disk: n1 /var/log at 95.0%");
    assertThat(
            out.getJsonObject("history").getJsonArray("items").getJsonObject(0).getString("node"))
        .isEqualTo("n1");
    assertThat(out.getJsonObject("advice").getJsonArray("items").getJsonObject(0).getString("node"))
        .isEqualTo("n1");
    assertThat(out.getJsonObject("dryRun").getBoolean("dryRun")).isTrue();
    assertThat(out.getJsonObject("dryRun").getJsonArray("files").getList())
        .isEqualTo(
            List.of(
                "/var/log/mcp/server.log", "/var/log/mcp/errors.log", "/var/log/mcp/access.log"));
    assertThat(out.getString("node")).contains("\"nodeId\" : \"n1\"");
    assertThat(out.getJsonObject("badArgument").getString("error"))
        .contains("argument ratio: write a number from 0.01 to 1");
    assertThat(out.getJsonObject("viewerRotate").getString("error"))
        .contains("rotate_now needs an admin token");
    assertThat(out.getJsonObject("noToken").getString("error"))
        .contains("missing or unknown token");
    // The dry run queued nothing, and the viewer's confirm did not either.
    assertThat(setup.coordinator.fleet().pendingCommands("n1")).isZero();
  }
}
