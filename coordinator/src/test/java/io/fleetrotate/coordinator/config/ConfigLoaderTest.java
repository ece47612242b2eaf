package io.fleetrotate.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final Map<String, String> ENV =
      Map.of(
          "FLEETROTATE_AGENT_TOKEN", "agent-token-0123456789abcdef",
          "FLEETROTATE_ADMIN_TOKEN", "admin-token-0123456789abcdef");

  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("coordinator.yaml"), yaml);
  }

  private List<String> errors(String yaml) throws Exception {
    Path file = write(yaml);
    try {
      ConfigLoader.load(file, ENV);
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
    throw new AssertionError("expected the configuration to be refused");
  }

  @Test
  void exampleLoadsWithTheDocumentedDefaults() throws Exception {
    Path file;
    try (InputStream in = getClass().getResourceAsStream("/coordinator-example.yaml")) {
      file = write(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    CoordinatorConfig c = ConfigLoader.load(file, ENV);
    assertThat(c.http().port()).isEqualTo(8420);
    assertThat(c.http().bind()).isEqualTo("0.0.0.0");
    assertThat(c.http().maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(c.http().tls()).isEmpty();
    assertThat(c.auth().agentTokens()).containsExactly("agent-token-0123456789abcdef");
    assertThat(c.auth().openMetrics()).isFalse();
    assertThat(c.auth().scrapeTokens()).isEmpty();
    assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.http().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.hazelcast().port()).isEqualTo(5701);
    assertThat(c.hazelcast().enabled()).isTrue();
    assertThat(c.hazelcast().clusterName()).isEqualTo("fleetrotate");
    assertThat(c.hazelcast().relay()).isEqualTo(CoordinatorConfig.Relay.DEFAULTS);
    assertThat(c.hazelcast().splitBrain()).isEqualTo(CoordinatorConfig.SplitBrain.DEFAULTS);
    assertThat(c.store().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.liveness().staleAfter()).isEqualTo(3);
    assertThat(c.liveness().downAfter()).isEqualTo(10);
    assertThat(c.alerts().cooldown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.alerts().rules()).isEqualTo(CoordinatorConfigReader.DEFAULT_RULES);
    assertThat(c.rateLimit().heartbeatsPerNodePerMinute()).isEqualTo(60);
  }

  @Test
  void minimalFileNeedsOnlyTokens() throws Exception {
    CoordinatorConfig c =
        ConfigLoader.load(
            write(
                "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"], adminTokens:"
                    + " [\"${ADMIN:-admin-token-from-default-0123}\"]}\n"),
            ENV);
    assertThat(c.auth().adminTokens()).containsExactly("admin-token-from-default-0123");
    assertThat(c.store().dir()).isEqualTo(Path.of("/var/lib/fleetrotate-coordinator"));
    assertThat(c.alerts().rules().growthBytesPerHour()).isEqualTo(50L << 20);
  }

  @Test
  void everyMistakeIsReportedAtOnceWithLineAndKeyPath() throws Exception {
    List<String> errors =
        errors(
            String.join(
                "\n",
                "http:",
                "  prot: 8420",
                "  maxBodyBytes: 100GiB",
                "auth:",
                "  agentTokens: [short]",
                "hazelcast: {members: [\"not a host\"]}",
                "store: {dir: relative/dir, retention: 30}",
                "liveness: {staleAfter: 5, downAfter: 4}",
                "alerts:",
                "  webhooks: [\"ftp://x\"]",
                "  rules: {diskUsedRatio: 1.5, growthBytesPerHour: 50M}",
                "rateLimit: {heartbeatsPerNodePerMinute: zero}",
                ""));
    String file = dir.resolve("coordinator.yaml").toString();
    assertThat(errors)
        .containsExactly(
            file + ":2: http.prot: unknown key; did you mean port?",
            file
                + ":3: http.maxBodyBytes: \"100GiB\" is out of range; write a size from 1KiB to 16MiB",
            file
                + ":4: auth.adminTokens: missing; list at least one token, e.g. adminTokens:"
                + " [\"${FLEETROTATE_TOKEN}\"]",
            file
                + ":5: auth.agentTokens[0]: is shorter than 16 characters, which is too easy to"
                + " guess; use e.g. the output of openssl rand -hex 24",
            file
                + ":6: hazelcast.members[0]: \"not a host\" is not host:port; write e.g. coordinator-2:5701",
            file
                + ":7: store.dir: \"relative/dir\" is a relative path; write an absolute path (starting with /)",
            file
                + ":7: store.retention: \"30\" is not a duration: it needs a unit; write e.g. 30s"
                + " (units: ms, s, m, h, d, w; combine like 1h30m)",
            file
                + ":8: liveness.downAfter: downAfter (4) must be larger than staleAfter (5): a node is"
                + " stale before it is down",
            file
                + ":10: alerts.webhooks[0]: \"ftp://x\" is not an http or https URL; write e.g."
                + " http://host:8420",
            file
                + ":11: alerts.rules.diskUsedRatio: \"1.5\" is out of range; write a ratio greater"
                + " than 0 and at most 1",
            file
                + ":11: alerts.rules.growthBytesPerHour: \"50M\" is not a size; write e.g. 50MiB"
                + " (units: B, KiB, MiB, GiB, TiB, no space before the unit)",
            file
                + ":12: rateLimit.heartbeatsPerNodePerMinute: \"zero\" is not a whole number; write a"
                + " whole number from 1 to 60000");
  }

  @Test
  void unsetVariableIsAnErrorNamingIt() throws Exception {
    assertThat(
            errors(
                "auth: {agentTokens: [\"${NOPE}\"], adminTokens: [\"${FLEETROTATE_ADMIN_TOKEN}\"]}\n"))
        .singleElement()
        .asString()
        .contains("auth.agentTokens[0]: environment variable NOPE is not set");
  }

  @Test
  void sameTokenForAgentsAndAdminsIsRefused() throws Exception {
    assertThat(
            errors(
                "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"], adminTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"]}\n"))
        .singleElement()
        .asString()
        .contains("auth.adminTokens: lists a token that agentTokens also lists");
  }

  @Test
  void webhooksTlsAndDecimalSizesAreRead() throws Exception {
    CoordinatorConfig c =
        ConfigLoader.load(
            write(
                String.join(
                    "\n",
                    "http: {tls: {certPath: /etc/c.pem, keyPath: /etc/k.pem}}",
                    "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"], adminTokens: [\"${FLEETROTATE_ADMIN_TOKEN}\"]}",
                    "hazelcast: {enabled: false, members: [\"c2:5701\", c3], relay: {ttl: 90s, maxEventsPerMember: 5000}}",
                    "alerts: {webhooks: [\"https://hooks.example/x\"], rules: {growthBytesPerHour: 1GiB, nodeDown: false, lockDownAfter: 90s}}",
                    "")),
            ENV);
    assertThat(c.http().tls()).isPresent();
    assertThat(c.hazelcast().enabled()).isFalse();
    assertThat(c.hazelcast().members()).containsExactly("c2:5701", "c3");
    assertThat(c.hazelcast().relay())
        .isEqualTo(new CoordinatorConfig.Relay(Duration.ofSeconds(90), 5_000));
    assertThat(c.alerts().webhooks()).containsExactly(URI.create("https://hooks.example/x"));
    assertThat(c.alerts().rules().growthBytesPerHour()).isEqualTo(1L << 30);
    assertThat(c.alerts().rules().nodeDown()).isFalse();
    assertThat(c.alerts().rules().lockDownAfter()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void splitBrainTimingsAreReadAndMustBeAtLeastASecond() throws Exception {
    String tokens =
        "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"], adminTokens:"
            + " [\"${FLEETROTATE_ADMIN_TOKEN}\"]}\n";
    CoordinatorConfig c =
        ConfigLoader.load(
            write(
                tokens
                    + "hazelcast: {splitBrain: {memberTimeout: 10s, mergeFirstRun: 30s,"
                    + " mergeInterval: 20s}}\n"),
            ENV);
    assertThat(c.hazelcast().splitBrain())
        .isEqualTo(
            new CoordinatorConfig.SplitBrain(
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(20)));
    assertThat(errors(tokens + "hazelcast: {splitBrain: {memberTimeout: 10ms}}\n"))
        .singleElement()
        .asString()
        .contains("hazelcast.splitBrain.memberTimeout");
    assertThat(errors(tokens + "hazelcast: {splitBrain: {mergeEvery: 10s}}\n"))
        .singleElement()
        .asString()
        .contains("hazelcast.splitBrain.mergeEvery");
  }

  @Test
  void lockDownAfterDefaultsToTwoMinutesAndNeedsADuration() throws Exception {
    String tokens =
        "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"], adminTokens:"
            + " [\"${FLEETROTATE_ADMIN_TOKEN}\"]}\n";
    assertThat(ConfigLoader.load(write(tokens), ENV).alerts().rules().lockDownAfter())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(errors(tokens + "alerts: {rules: {lockDownAfter: soon}}\n"))
        .singleElement()
        .asString()
        .contains("alerts.rules.lockDownAfter: \"soon\" is not a duration");
  }

  /** The agent's SizeUnitRuleTest pins the same sentence for its sizes. */
  @Test
  void decimalSizeUnitIsRefusedAsTheAgentRefusesIt() throws Exception {
    assertThat(
            errors(
                "auth: {agentTokens: [agent-token-0123456789], adminTokens:"
                    + " [admin-token-0123456789]}\nalerts: {rules: {growthBytesPerHour: 50MB}}\n"))
        .singleElement()
        .asString()
        .endsWith(
            ":2: alerts.rules.growthBytesPerHour: \"50MB\" is not a size; write e.g. 50MiB"
                + " (units: B, KiB, MiB, GiB, TiB, no space before the unit; MB is refused because"
                + " it is read both as a power of 1000 and of 1024)");
  }

  @Test
  void missingFileAndBrokenYamlAreOneSentenceEach() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), ENV))
        .hasMessageEndingWith("nope.yaml: cannot read the file: it does not exist");
    assertThat(errors("http: [\n")).singleElement().asString().contains(":2: not valid YAML");
  }

  @Test
  void postgresStoreTakesItsPasswordFromTheEnvironment() throws Exception {
    Path file =
        write(
            String.join(
                "\n",
                "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"],"
                    + " adminTokens: [\"${FLEETROTATE_ADMIN_TOKEN}\"]}",
                "store:",
                "  type: postgres",
                "  url: jdbc:postgresql://db:5432/fleetrotate",
                "  user: fleetrotate",
                "  password: \"${FLEETROTATE_AGENT_TOKEN}\"",
                ""));
    CoordinatorConfig c = ConfigLoader.load(file, ENV);
    CoordinatorConfig.Postgres pg = c.store().postgres().orElseThrow();
    assertThat(pg.url()).isEqualTo("jdbc:postgresql://db:5432/fleetrotate");
    assertThat(pg.user()).isEqualTo("fleetrotate");
    assertThat(pg.password()).isEqualTo("agent-token-0123456789abcdef");
    assertThat(pg.poolSize()).isEqualTo(4);
    assertThat(pg.toString()).doesNotContain("agent-token");
  }

  @Test
  void postgresStoreSettingsAreRefusedForTheEmbeddedStoreAndABadUrlIsNamed() throws Exception {
    String auth =
        "auth: {agentTokens: [\"${FLEETROTATE_AGENT_TOKEN}\"],"
            + " adminTokens: [\"${FLEETROTATE_ADMIN_TOKEN}\"]}\n";
    assertThat(errors(auth + "store: {user: x}\n"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .endsWith("store.user: is for type: postgres; remove it or set type: postgres");
    assertThat(errors(auth + "store: {type: postgres, url: \"postgres://db\", user: x}\n"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .endsWith(
            "store.url: \"postgres://db\" is not a PostgreSQL JDBC URL; write one such as"
                + " jdbc:postgresql://db:5432/fleetrotate");
  }
}
