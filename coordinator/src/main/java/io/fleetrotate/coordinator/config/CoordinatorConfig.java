package io.fleetrotate.coordinator.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's configuration, parsed and validated once by {@link ConfigLoader}. Every value
 * is present: defaults are applied while reading.
 *
 * @param source the file it was read from, for log lines
 */
public record CoordinatorConfig(
    Path source,
    Http http,
    Auth auth,
    Hazelcast hazelcast,
    Store store,
    Liveness liveness,
    Alerts alerts,
    RateLimit rateLimit) {

  /**
   * @param maxBodyBytes the largest request body accepted; larger ones get 413
   * @param tls PEM certificate and key; without it the coordinator speaks plain HTTP
   * @param idleTimeout a connection with no traffic for this long is closed
   * @param requestTimeout a request whose head and body have not fully arrived this long after it
   *     began (a new connection, or the end of the previous response plus idleTimeout) is answered
   *     408 or its connection closed, so half-sent requests cannot hold connections
   */
  public record Http(
      String bind,
      int port,
      int maxBodyBytes,
      Optional<Tls> tls,
      Duration idleTimeout,
      Duration requestTimeout) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** With the default timeouts. */
    public Http(String bind, int port, int maxBodyBytes, Optional<Tls> tls) {
      this(bind, port, maxBodyBytes, tls, DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }
  }

  public record Tls(Path certPath, Path keyPath) {}

  /**
   * @param agentTokens bearer tokens that may post heartbeats and events
   * @param adminTokens bearer tokens that may read the API and send commands
   * @param openMetrics whether {@code /metrics} and the details of {@code /health} are served
   *     without a token
   * @param scrapeTokens bearer tokens that may read {@code /metrics} only (admin tokens may too)
   */
  public record Auth(
      List<String> agentTokens,
      List<String> adminTokens,
      boolean openMetrics,
      List<String> scrapeTokens) {
    /** Without scrape tokens. */
    public Auth(List<String> agentTokens, List<String> adminTokens, boolean openMetrics) {
      this(agentTokens, adminTokens, openMetrics, List.of());
    }

    /** Tokens are secrets: never print them. */
    @Override
    public String toString() {
      return "Auth[agentTokens="
          + agentTokens.size()
          + ", adminTokens="
          + adminTokens.size()
          + ", openMetrics="
          + openMetrics
          + ", scrapeTokens="
          + scrapeTokens.size()
          + "]";
    }
  }

  /**
   * @param members peers as host:port; empty for a single coordinator
   */
  public record Hazelcast(boolean enabled, int port, List<String> members, String clusterName) {}

  /**
   * @param dir where the history segments and the node snapshot live
   * @param retention how long rotation history is kept
   */
  public record Store(Path dir, Duration retention) {}

  /**
   * Liveness in missed heartbeats: a node whose last heartbeat is older than {@code staleAfter} of
   * its heartbeat intervals is stale, older than {@code downAfter} intervals down.
   */
  public record Liveness(int staleAfter, int downAfter) {}

  public record Alerts(Duration cooldown, List<URI> webhooks, AlertRules rules) {}

  /**
   * The thresholds of the built-in alerts.
   *
   * @param diskUsedRatio a log mount fuller than this fires {@code emergency}
   * @param successRatio1h a node whose rotations succeed less often over 1 h fires {@code critical}
   * @param rotationSeconds a rotation slower than this fires {@code warning}
   * @param growthBytesPerHour a log growing faster than this fires {@code warning}
   * @param compressionRatio backups larger than this fraction of the original fire {@code info}
   * @param nodeDown whether a down node fires {@code critical}
   */
  public record AlertRules(
      double diskUsedRatio,
      double successRatio1h,
      double rotationSeconds,
      long growthBytesPerHour,
      double compressionRatio,
      boolean nodeDown) {}

  public record RateLimit(int heartbeatsPerNodePerMinute) {}
}
