package io.fleetrotate.coordinator.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    RateLimit rateLimit,
    Limits limits) {

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
   * @param agentNodes for an agent token bound to nodes: the node ids and globs it may speak for;
   *     an agent token not in this map may speak for any node
   * @param scrapeTokens bearer tokens that may read {@code /metrics} only (admin tokens may too)
   * @param viewerTokens bearer tokens that may read the API and use the MCP endpoint's read-only
   *     tools, and change nothing
   */
  public record Auth(
      List<String> agentTokens,
      List<String> adminTokens,
      boolean openMetrics,
      Map<String, List<String>> agentNodes,
      List<String> scrapeTokens,
      List<String> viewerTokens) {
    public Auth {
      agentTokens = List.copyOf(agentTokens);
      adminTokens = List.copyOf(adminTokens);
      agentNodes = Map.copyOf(agentNodes);
      scrapeTokens = List.copyOf(scrapeTokens);
      viewerTokens = List.copyOf(viewerTokens);
    }

    /** No viewer tokens. */
    public Auth(
        List<String> agentTokens,
        List<String> adminTokens,
        boolean openMetrics,
        Map<String, List<String>> agentNodes,
        List<String> scrapeTokens) {
      this(agentTokens, adminTokens, openMetrics, agentNodes, scrapeTokens, List.of());
    }

    /** Agent tokens that may speak for any node, no scrape tokens. */
    public Auth(List<String> agentTokens, List<String> adminTokens, boolean openMetrics) {
      this(agentTokens, adminTokens, openMetrics, Map.of(), List.of());
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
          + ", boundAgentTokens="
          + agentNodes.size()
          + ", scrapeTokens="
          + scrapeTokens.size()
          + ", viewerTokens="
          + viewerTokens.size()
          + "]";
    }
  }

  /**
   * @param members peers as host:port; empty for a single coordinator
   * @param bind the IPv4 address the member listens on and announces to clients and peers; {@code
   *     0.0.0.0} listens on every interface and announces one Hazelcast picks
   * @param relay how long, and how many, new events the members keep for each other
   * @param splitBrain how soon a silent member is dropped and split clusters look for each other
   */
  public record Hazelcast(
      boolean enabled,
      int port,
      List<String> members,
      String clusterName,
      String bind,
      Relay relay,
      SplitBrain splitBrain) {
    public static final String LOOPBACK = "127.0.0.1";

    /** A member bound to loopback: reachable from this host only. */
    public Hazelcast(boolean enabled, int port, List<String> members, String clusterName) {
      this(enabled, port, members, clusterName, LOOPBACK);
    }

    /** A member with the default relay. */
    public Hazelcast(
        boolean enabled, int port, List<String> members, String clusterName, String bind) {
      this(enabled, port, members, clusterName, bind, Relay.DEFAULTS);
    }

    /** A member with Hazelcast's split-brain timings. */
    public Hazelcast(
        boolean enabled,
        int port,
        List<String> members,
        String clusterName,
        String bind,
        Relay relay) {
      this(enabled, port, members, clusterName, bind, relay, SplitBrain.DEFAULTS);
    }

    public boolean bindsEveryInterface() {
      return bind.equals("0.0.0.0");
    }
  }

  /**
   * The map through which coordinators on the embedded store hand each other new events
   * (ClusterSync): a relay, not a copy of the history.
   *
   * @param ttl how long an event stays in it
   * @param maxEventsPerMember how many events each member holds in it at most (as owner; as many
   *     again as backups), the oldest-used evicted first
   */
  public record Relay(Duration ttl, int maxEventsPerMember) {
    public static final Relay DEFAULTS = new Relay(Duration.ofMinutes(5), 20_000);
  }

  /**
   * How a cluster splits and heals (Hazelcast's own defaults): a member that sends no heartbeat for
   * {@code memberTimeout} is dropped, so a network partition leaves two clusters that each serve;
   * each cluster's oldest member looks for the configured members that are not in it {@code
   * mergeFirstRun} after its start and every {@code mergeInterval} after that, and the smaller
   * cluster joins the larger when it finds them (the members then catch up history).
   *
   * @param memberTimeout Hazelcast's {@code hazelcast.max.no.heartbeat.seconds}
   * @param mergeFirstRun Hazelcast's {@code hazelcast.merge.first.run.delay.seconds}
   * @param mergeInterval Hazelcast's {@code hazelcast.merge.next.run.delay.seconds}
   */
  public record SplitBrain(Duration memberTimeout, Duration mergeFirstRun, Duration mergeInterval) {
    public static final SplitBrain DEFAULTS =
        new SplitBrain(Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(2));
  }

  /**
   * @param dir where the embedded database lives, and the JSON-lines history of earlier versions
   * @param retention how long rotation history is kept
   * @param postgres the PostgreSQL server holding history instead of the embedded database
   */
  public record Store(Path dir, Duration retention, Optional<Postgres> postgres) {
    /** The embedded database in {@code dir}. */
    public Store(Path dir, Duration retention) {
      this(dir, retention, Optional.empty());
    }
  }

  /**
   * @param url a JDBC URL such as {@code jdbc:postgresql://db:5432/fleetrotate}
   * @param poolSize connections the coordinator keeps open at most
   */
  public record Postgres(String url, String user, String password, int poolSize) {
    @Override
    public String toString() {
      return "Postgres[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
  }

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
   * @param lockDownAfter a node whose agent has not reached its lock service for this long fires
   *     {@code critical}
   */
  public record AlertRules(
      double diskUsedRatio,
      double successRatio1h,
      double rotationSeconds,
      long growthBytesPerHour,
      double compressionRatio,
      boolean nodeDown,
      Duration lockDownAfter) {
    public static final Duration DEFAULT_LOCK_DOWN_AFTER = Duration.ofMinutes(2);

    /** With the default {@code lockDownAfter}. */
    public AlertRules(
        double diskUsedRatio,
        double successRatio1h,
        double rotationSeconds,
        long growthBytesPerHour,
        double compressionRatio,
        boolean nodeDown) {
      this(
          diskUsedRatio,
          successRatio1h,
          rotationSeconds,
          growthBytesPerHour,
          compressionRatio,
          nodeDown,
          DEFAULT_LOCK_DOWN_AFTER);
    }
  }

  public record RateLimit(int heartbeatsPerNodePerMinute) {}

  /**
   * @param maxNodes how many nodes the coordinator tracks; a heartbeat from one more is refused
   */
  public record Limits(int maxNodes) {
    public static final Limits DEFAULTS = new Limits(10_000);
  }
}
