package io.fleetrotate.coordinator.config;

import io.fleetrotate.config.Addresses;
import io.fleetrotate.config.ConfigSchema;
import io.fleetrotate.config.ReadContext;
import io.fleetrotate.config.ScalarType;
import io.fleetrotate.config.ValueFormatException;
import io.fleetrotate.config.YamlMap;
import io.fleetrotate.coordinator.config.CoordinatorConfig.AlertRules;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Alerts;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Auth;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Hazelcast;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Http;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Limits;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Liveness;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Postgres;
import io.fleetrotate.coordinator.config.CoordinatorConfig.RateLimit;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Relay;
import io.fleetrotate.coordinator.config.CoordinatorConfig.SplitBrain;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Store;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Tls;
import io.fleetrotate.proto.WireLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the root mapping of {@code coordinator.yaml} into a {@link CoordinatorConfig}. */
final class CoordinatorConfigReader implements ConfigSchema<CoordinatorConfig> {
  static final ConfigSchema.Root ROOT =
      new ConfigSchema.Root("http, auth", "at least auth.agentTokens and auth.adminTokens");

  static final List<String> ROOT_KEYS =
      List.of("http", "auth", "hazelcast", "store", "liveness", "alerts", "rateLimit", "limits");

  static final String DEFAULT_BIND = "0.0.0.0";
  static final int DEFAULT_PORT = 8420;
  static final int DEFAULT_HAZELCAST_PORT = 5701;
  static final String DEFAULT_CLUSTER_NAME = "fleetrotate";
  static final int DEFAULT_POSTGRES_POOL = 4;
  private static final ScalarType<String> POSTGRES_URL =
      ScalarType.STRING.check(
          u -> u.startsWith("jdbc:postgresql://"),
          u ->
              "is not a PostgreSQL JDBC URL; write one such as jdbc:postgresql://db:5432/fleetrotate",
          "a URL such as jdbc:postgresql://db:5432/fleetrotate");
  static final Path DEFAULT_STORE_DIR = Path.of("/var/lib/fleetrotate-coordinator");
  static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  static final int DEFAULT_STALE_AFTER = 3;
  static final int DEFAULT_DOWN_AFTER = 10;
  static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
  static final int DEFAULT_HEARTBEATS_PER_MINUTE = 60;

  /** The thresholds of DESIGN.md's "Operating thresholds". */
  static final AlertRules DEFAULT_RULES = new AlertRules(0.85, 0.95, 30, 50L << 20, 0.3, true);

  private static final ScalarType<Double> RATIO = ScalarType.ratio("0.85");

  private static final ScalarType<String> MEMBER = Addresses.hostPort("coordinator-2:5701");

  private static final ScalarType<String> TOKEN =
      ScalarType.bearerToken("write a token of at least 16 characters, or remove the entry");

  private static final ScalarType<String> NODE_PATTERN =
      new ScalarType<>(
          "a node id, or a glob such as web-*",
          s -> {
            if (s.isBlank() || s.length() > WireLimits.MAX_ID_LENGTH) {
              throw new ValueFormatException(
                  "must be a node id or glob of 1 to " + WireLimits.MAX_ID_LENGTH + " characters");
            }
            return s;
          });

  private final ReadContext ctx;

  CoordinatorConfigReader(ReadContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public CoordinatorConfig read(Path source, YamlMap root) {
    root.allowOnly(ROOT_KEYS, true);
    Http http = readHttp(root.section("http"));
    Auth auth = readAuth(root.section("auth"));
    Hazelcast hazelcast = readHazelcast(root.section("hazelcast"));
    Store store = readStore(root.section("store"));
    Liveness liveness = readLiveness(root.section("liveness"));
    Alerts alerts = readAlerts(root.section("alerts"));
    RateLimit rateLimit = readRateLimit(root.section("rateLimit"));
    Limits limits = readLimits(root.section("limits"));
    if (hazelcast.enabled() && http.port() != 0 && http.port() == hazelcast.port()) {
      root.section("hazelcast")
          .error("port", "is the same as http.port (" + http.port() + "); give each its own port");
    }
    return new CoordinatorConfig(
        source, http, auth, hazelcast, store, liveness, alerts, rateLimit, limits);
  }

  private Http readHttp(YamlMap m) {
    m.allowOnly(List.of("bind", "port", "maxBodyBytes", "tls", "idleTimeout", "requestTimeout"));
    String bind = m.get("bind", Addresses.BIND_ADDRESS, DEFAULT_BIND);
    int port = m.get("port", ScalarType.LISTEN_PORT, DEFAULT_PORT);
    long maxBody =
        m.get(
            "maxBodyBytes",
            ScalarType.SIZE.check(
                n -> n >= 1024 && n <= WireLimits.MAX_DOCUMENT_BYTES,
                n -> "is out of range; write a size from 1KiB to 16MiB",
                "a size from 1KiB to 16MiB"),
            (long) WireLimits.MAX_DOCUMENT_BYTES);
    Optional<Tls> tls = m.optionalSection("tls").map(this::readTls);
    // Slow clients: how long a silent connection, and a half-sent request, may hold a connection.
    Duration idle =
        m.get(
            "idleTimeout",
            ScalarType.durationAtLeast(Duration.ofSeconds(1)),
            Http.DEFAULT_IDLE_TIMEOUT);
    Duration request =
        m.get(
            "requestTimeout",
            ScalarType.durationAtLeast(Duration.ofSeconds(1)),
            Http.DEFAULT_REQUEST_TIMEOUT);
    return new Http(bind, port, (int) maxBody, tls, idle, request);
  }

  private Tls readTls(YamlMap m) {
    m.allowOnly(List.of("certPath", "keyPath"));
    Path cert = m.require("certPath", ScalarType.ABSOLUTE_PATH).orElse(Path.of("/invalid"));
    Path key = m.require("keyPath", ScalarType.ABSOLUTE_PATH).orElse(Path.of("/invalid"));
    return new Tls(cert, key);
  }

  private Auth readAuth(YamlMap m) {
    m.allowOnly(
        List.of("agentTokens", "adminTokens", "openMetrics", "scrapeTokens", "viewerTokens"));
    Map<String, List<String>> agentNodes = new LinkedHashMap<>();
    List<String> agent = agentTokens(m, agentNodes);
    List<String> admin = tokens(m, "adminTokens");
    for (String token : agent) {
      if (admin.contains(token)) {
        m.error(
            "adminTokens",
            "lists a token that agentTokens also lists; give agents and admins different tokens");
        break;
      }
    }
    // /metrics: closed unless opened explicitly; scrape tokens may read it and nothing else.
    boolean openMetrics = m.get("openMetrics", ScalarType.BOOLEAN, false);
    List<String> scrape = m.has("scrapeTokens") ? tokens(m, "scrapeTokens") : List.of();
    for (String token : scrape) {
      if (agent.contains(token) || admin.contains(token)) {
        m.error(
            "scrapeTokens",
            "lists a token that agentTokens or adminTokens also lists; give Prometheus its own"
                + " token");
        break;
      }
    }
    List<String> viewer = m.has("viewerTokens") ? tokens(m, "viewerTokens") : List.of();
    for (String token : viewer) {
      if (agent.contains(token) || admin.contains(token) || scrape.contains(token)) {
        m.error(
            "viewerTokens",
            "lists a token that another auth list also lists; give each reader its own token");
        break;
      }
    }
    return new Auth(agent, admin, openMetrics, agentNodes, scrape, viewer);
  }

  /**
   * {@code auth.agentTokens}: each entry a token (any node may use it) or {@code {token: ...,
   * nodes: [...]}} (only those node ids, {@code *} matching any characters); fills {@code nodes}
   * with the bound ones.
   */
  private List<String> agentTokens(YamlMap m, Map<String, List<String>> nodes) {
    String key = "agentTokens";
    List<String> tokens = new ArrayList<>();
    if (!m.has(key)) {
      m.missing(key, "list at least one token, e.g. " + key + ": [\"${FLEETROTATE_TOKEN}\"]");
      return tokens;
    }
    m.value(key)
        .flatMap(v -> v.asList("a list of tokens, or of {token: ..., nodes: [...]}"))
        .ifPresent(
            items -> {
              if (items.isEmpty()) {
                m.error(key, "is empty; list at least one token");
              }
              for (var item : items) {
                if (!item.isMapping()) {
                  item.as(TOKEN).ifPresent(tokens::add);
                  continue;
                }
                item.asMap("a mapping")
                    .ifPresent(
                        bound -> {
                          bound.allowOnly(List.of("token", "nodes"));
                          List<String> patterns = new ArrayList<>();
                          bound
                              .value("nodes")
                              .flatMap(v -> v.asList("a list of node ids or globs such as web-*"))
                              .ifPresent(
                                  ps ->
                                      ps.forEach(p -> p.as(NODE_PATTERN).ifPresent(patterns::add)));
                          if (!bound.has("nodes")) {
                            bound.missing("nodes", "list the node ids this token may speak for");
                          } else if (patterns.isEmpty()) {
                            bound.error("nodes", "is empty; list at least one node id or glob");
                          }
                          bound
                              .require("token", TOKEN)
                              .ifPresent(
                                  t -> {
                                    tokens.add(t);
                                    nodes.merge(
                                        t, List.copyOf(patterns), CoordinatorConfigReader::union);
                                  });
                        });
              }
            });
    // A token listed both plainly and bound would be bound, which the plain entry does not say.
    for (String t : nodes.keySet()) {
      if (tokens.stream().filter(t::equals).count() > 1) {
        m.error(key, "lists one token twice; list each token once, bound to all its nodes");
        break;
      }
    }
    return List.copyOf(tokens);
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private List<String> tokens(YamlMap m, String key) {
    List<String> tokens = new ArrayList<>();
    if (!m.has(key)) {
      m.missing(key, "list at least one token, e.g. " + key + ": [\"${FLEETROTATE_TOKEN}\"]");
      return tokens;
    }
    m.value(key)
        .flatMap(v -> v.asList("a list of tokens, such as [\"${FLEETROTATE_TOKEN}\"]"))
        .ifPresent(
            items -> {
              if (items.isEmpty()) {
                m.error(key, "is empty; list at least one token");
              }
              items.forEach(item -> item.as(TOKEN).ifPresent(tokens::add));
            });
    return List.copyOf(tokens);
  }

  private Hazelcast readHazelcast(YamlMap m) {
    m.allowOnly(
        List.of("enabled", "port", "members", "clusterName", "bind", "relay", "splitBrain"));
    boolean enabled = m.get("enabled", ScalarType.BOOLEAN, true);
    int port = m.get("port", ScalarType.PORT, DEFAULT_HAZELCAST_PORT);
    List<String> members = new ArrayList<>();
    m.value("members")
        .flatMap(v -> v.asList("a list of host:port, such as [\"coordinator-2:5701\"]"))
        .ifPresent(items -> items.forEach(item -> item.as(MEMBER).ifPresent(members::add)));
    String clusterName = m.get("clusterName", ScalarType.NAME, DEFAULT_CLUSTER_NAME);
    // Loopback unless told: the member has no authentication (see README, Security).
    String bind = m.get("bind", Addresses.LOCAL_IPV4, Hazelcast.LOOPBACK);
    if (enabled && !members.isEmpty() && !m.has("bind")) {
      m.missing(
          "bind",
          "members lists peers, so write the address of this host they reach (e.g. 10.0.0.5),"
              + " on a private network");
    }
    return new Hazelcast(
        enabled,
        port,
        List.copyOf(members),
        clusterName,
        bind,
        readRelay(m.section("relay")),
        readSplitBrain(m.section("splitBrain")));
  }

  private SplitBrain readSplitBrain(YamlMap m) {
    m.allowOnly(List.of("memberTimeout", "mergeFirstRun", "mergeInterval"));
    SplitBrain d = SplitBrain.DEFAULTS;
    ScalarType<Duration> seconds = ScalarType.durationAtLeast(Duration.ofSeconds(1));
    return new SplitBrain(
        m.get("memberTimeout", seconds, d.memberTimeout()),
        m.get("mergeFirstRun", seconds, d.mergeFirstRun()),
        m.get("mergeInterval", seconds, d.mergeInterval()));
  }

  private Relay readRelay(YamlMap m) {
    m.allowOnly(List.of("ttl", "maxEventsPerMember"));
    Duration ttl =
        m.get("ttl", ScalarType.durationAtLeast(Duration.ofSeconds(1)), Relay.DEFAULTS.ttl());
    int max =
        m.get(
            "maxEventsPerMember",
            ScalarType.integer(1_000, 10_000_000),
            Relay.DEFAULTS.maxEventsPerMember());
    return new Relay(ttl, max);
  }

  private Store readStore(YamlMap m) {
    m.allowOnly(List.of("type", "dir", "retention", "url", "user", "password", "poolSize"));
    Path dir = m.get("dir", ScalarType.ABSOLUTE_PATH, DEFAULT_STORE_DIR);
    Duration retention =
        m.get("retention", ScalarType.durationAtLeast(Duration.ofHours(1)), DEFAULT_RETENTION);
    boolean postgres =
        m.get("type", ScalarType.oneOf(Map.of("embedded", false, "postgres", true)), false);
    if (!postgres) {
      for (String key : List.of("url", "user", "password", "poolSize")) {
        if (m.has(key)) {
          m.error(key, "is for type: postgres; remove it or set type: postgres");
        }
      }
      return new Store(dir, retention);
    }
    String url = m.require("url", POSTGRES_URL).orElse("jdbc:postgresql://invalid/");
    String user = m.require("user", ScalarType.STRING).orElse("");
    // Written as "${VARIABLE}" so the password comes from the environment, not the file.
    String password = m.get("password", ScalarType.STRING, "");
    int poolSize = m.get("poolSize", ScalarType.integer(1, 100), DEFAULT_POSTGRES_POOL);
    return new Store(dir, retention, Optional.of(new Postgres(url, user, password, poolSize)));
  }

  private Liveness readLiveness(YamlMap m) {
    m.allowOnly(List.of("staleAfter", "downAfter"));
    int stale = m.get("staleAfter", ScalarType.integer(1, 1000), DEFAULT_STALE_AFTER);
    int down = m.get("downAfter", ScalarType.integer(1, 10_000), DEFAULT_DOWN_AFTER);
    if (down <= stale) {
      m.error(
          m.has("downAfter") ? "downAfter" : "staleAfter",
          "downAfter ("
              + down
              + ") must be larger than staleAfter ("
              + stale
              + "): a node is stale before it is down");
    }
    return new Liveness(stale, down);
  }

  private Alerts readAlerts(YamlMap m) {
    m.allowOnly(List.of("cooldown", "webhooks", "rules"));
    Duration cooldown =
        m.get("cooldown", ScalarType.durationAtLeast(Duration.ofSeconds(1)), DEFAULT_COOLDOWN);
    List<URI> webhooks = new ArrayList<>();
    m.value("webhooks")
        .flatMap(v -> v.asList("a list of http or https URLs"))
        .ifPresent(
            items -> items.forEach(item -> item.as(ScalarType.HTTP_URL).ifPresent(webhooks::add)));
    AlertRules rules = readRules(m.section("rules"));
    return new Alerts(cooldown, List.copyOf(webhooks), rules);
  }

  private AlertRules readRules(YamlMap m) {
    m.allowOnly(
        List.of(
            "diskUsedRatio",
            "successRatio1h",
            "rotationSeconds",
            "growthBytesPerHour",
            "compressionRatio",
            "nodeDown",
            "lockDownAfter"));
    AlertRules d = DEFAULT_RULES;
    double disk = m.get("diskUsedRatio", RATIO, d.diskUsedRatio());
    double success = m.get("successRatio1h", RATIO, d.successRatio1h());
    double seconds =
        m.get("rotationSeconds", ScalarType.integer(1, 86_400), (int) d.rotationSeconds());
    long growth = m.get("growthBytesPerHour", ScalarType.positiveSize(), d.growthBytesPerHour());
    double compression = m.get("compressionRatio", RATIO, d.compressionRatio());
    boolean nodeDown = m.get("nodeDown", ScalarType.BOOLEAN, d.nodeDown());
    Duration lockDown =
        m.get(
            "lockDownAfter", ScalarType.durationAtLeast(Duration.ofSeconds(1)), d.lockDownAfter());
    return new AlertRules(disk, success, seconds, growth, compression, nodeDown, lockDown);
  }

  private RateLimit readRateLimit(YamlMap m) {
    m.allowOnly(List.of("heartbeatsPerNodePerMinute"));
    int perMinute =
        m.get(
            "heartbeatsPerNodePerMinute",
            ScalarType.integer(1, 60_000),
            DEFAULT_HEARTBEATS_PER_MINUTE);
    return new RateLimit(perMinute);
  }

  private Limits readLimits(YamlMap m) {
    m.allowOnly(List.of("maxNodes"));
    int maxNodes = m.get("maxNodes", ScalarType.integer(1, 10_000_000), Limits.DEFAULTS.maxNodes());
    return new Limits(maxNodes);
  }
}
