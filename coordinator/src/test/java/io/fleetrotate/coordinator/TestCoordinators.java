package io.fleetrotate.coordinator;

import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.config.CoordinatorConfig.AlertRules;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Alerts;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Auth;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Hazelcast;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Http;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Liveness;
import io.fleetrotate.coordinator.config.CoordinatorConfig.RateLimit;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Store;
import io.fleetrotate.proto.WireLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configurations for coordinators in tests: loopback, a free port, no Hazelcast by default. */
public final class TestCoordinators {
  public static final AlertRules RULES = new AlertRules(0.85, 0.95, 30, 50_000_000L, 0.3, true);

  private TestCoordinators() {}

  public static CoordinatorConfig config(Path storeDir) {
    return new CoordinatorConfig(
        storeDir.resolve("coordinator.yaml"),
        new Http("127.0.0.1", 0, WireLimits.MAX_DOCUMENT_BYTES, Optional.empty()),
        new Auth(
            List.of(io.fleetrotate.coordinator.Http.AGENT),
            List.of(io.fleetrotate.coordinator.Http.ADMIN),
            true),
        new Hazelcast(false, 5701, List.of(), "fleetrotate-test"),
        new Store(storeDir, Duration.ofDays(30)),
        new Liveness(3, 10),
        new Alerts(Duration.ofMinutes(5), List.of(), RULES),
        new RateLimit(60),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  public static CoordinatorConfig withMaxBody(CoordinatorConfig c, int bytes) {
    return new CoordinatorConfig(
        c.source(),
        new Http(c.http().bind(), c.http().port(), bytes, c.http().tls()),
        c.auth(),
        c.hazelcast(),
        c.store(),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  public static CoordinatorConfig withClosedMetrics(CoordinatorConfig c) {
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        new Auth(c.auth().agentTokens(), c.auth().adminTokens(), false),
        c.hazelcast(),
        c.store(),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  public static CoordinatorConfig withWebhooks(CoordinatorConfig c, List<URI> hooks) {
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        c.auth(),
        c.hazelcast(),
        c.store(),
        c.liveness(),
        new Alerts(c.alerts().cooldown(), hooks, c.alerts().rules()),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  public static CoordinatorConfig withHazelcast(CoordinatorConfig c, Hazelcast hazelcast) {
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        c.auth(),
        hazelcast,
        c.store(),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  public static CoordinatorConfig withHazelcast(
      CoordinatorConfig c, int port, List<String> members) {
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        c.auth(),
        new Hazelcast(true, port, members, c.hazelcast().clusterName()),
        c.store(),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }
}
