package io.fleetrotate.agent.config;

import io.fleetrotate.config.Addresses;
import io.fleetrotate.config.ConfigSchema;
import io.fleetrotate.config.PemFiles;
import io.fleetrotate.config.ScalarType;
import io.fleetrotate.config.Sizes;
import io.fleetrotate.config.TlsConfig;
import io.fleetrotate.config.ValueFormatException;
import io.fleetrotate.config.YamlMap;
import io.fleetrotate.config.YamlValue;
import io.fleetrotate.lock.LockBackend;
import io.fleetrotate.lock.hazelcast.HazelcastConfig;
import io.fleetrotate.lock.redis.RedisConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the top level of {@code agent.yaml} into an {@link AgentConfig}, applying the defaults, and
 * leaves each {@code files[]} entry to {@link FileConfigReader}.
 */
final class AgentConfigReader implements ConfigSchema<AgentConfig> {
  static final ConfigSchema.Root ROOT =
      new ConfigSchema.Root("node, lock, files", "at least files must be configured");

  static final List<String> ROOT_KEYS =
      List.of("node", "coordinator", "lock", "checkInterval", "stateDir", "http", "files");
  static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);
  static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/fleetrotate");
  static final String DEFAULT_GROUP = "default";
  static final int DEFAULT_HTTP_PORT = 8421;
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofMinutes(10);
  static final double DEFAULT_CRITICAL_DISK_RATIO = 0.95;
  static final String DEFAULT_CLUSTER_NAME = "fleetrotate";

  private static final ScalarType<LockBackend> BACKEND =
      ScalarType.oneOf(
          Arrays.stream(LockBackend.values())
              .collect(Collectors.toMap(LockBackend::wireName, Function.identity())));

  private static final ScalarType<LockConfig.OnUnavailable> ON_UNAVAILABLE =
      ScalarType.oneOf(
          Arrays.stream(LockConfig.OnUnavailable.values())
              .collect(Collectors.toMap(LockConfig.OnUnavailable::wireName, Function.identity())));

  private static final List<String> REDIS_SCHEMES =
      List.of("redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-socket");

  private static final ScalarType<String> REDIS_URI =
      new ScalarType<>(
          "a Redis URI such as redis://redis:6379",
          s -> {
            int colon = s.indexOf("://");
            String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!REDIS_SCHEMES.contains(scheme) || s.length() == colon + 3) {
              // Not quoted: a Redis URI may carry a password.
              throw new ValueFormatException(
                  "is not a Redis URI; write e.g. redis://redis:6379 (schemes: "
                      + String.join(", ", REDIS_SCHEMES)
                      + ")");
            }
            return s;
          });

  private static final ScalarType<String> MEMBER = Addresses.hostPort("coordinator:5701");

  // The coordinator's rule: a token it refuses to list would only fail later, with 401.
  private static final ScalarType<String> TOKEN =
      ScalarType.bearerToken("remove the key to connect without a token");

  private final AgentReadContext ctx;

  AgentConfigReader(AgentReadContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public AgentConfig read(Path source, YamlMap root) {
    root.allowOnly(ROOT_KEYS, true);
    NodeConfig node = readNode(root.section("node"));
    Optional<CoordinatorConfig> coordinator =
        root.optionalSection("coordinator").map(this::readCoordinator);
    LockConfig lock = readLock(root.section("lock"));
    Duration checkInterval =
        root.get(
            "checkInterval",
            ScalarType.durationAtLeast(Duration.ofSeconds(1)),
            DEFAULT_CHECK_INTERVAL);
    Path stateDir = root.get("stateDir", ScalarType.ABSOLUTE_PATH, DEFAULT_STATE_DIR);
    HttpConfig http = readHttp(root.section("http"));
    List<FileConfig> files = readFiles(root);
    return new AgentConfig(source, node, coordinator, lock, checkInterval, stateDir, http, files);
  }

  private NodeConfig readNode(YamlMap m) {
    m.allowOnly(List.of("id", "group"));
    String id;
    if (m.has("id")) {
      id = m.get("id", ScalarType.NAME, "invalid");
    } else {
      Optional<String> host = ctx.hostName().get();
      if (host.isEmpty()) {
        m.missing("id", "the host name could not be found; write e.g. id: mcp-host-1");
      }
      id = host.orElse("unknown");
    }
    String group = m.get("group", ScalarType.NAME, DEFAULT_GROUP);
    return new NodeConfig(id, group);
  }

  private CoordinatorConfig readCoordinator(YamlMap m) {
    m.allowOnly(List.of("url", "token", "heartbeat", "tls"));
    URI url = m.require("url", ScalarType.HTTP_URL).orElse(URI.create("http://invalid"));
    Optional<String> token = m.get("token", TOKEN);
    Duration heartbeat =
        m.get("heartbeat", ScalarType.durationAtLeast(Duration.ofSeconds(1)), DEFAULT_HEARTBEAT);
    TlsConfig tls = m.optionalSection("tls").map(this::readTls).orElse(TlsConfig.NONE);
    if (tls.isConfigured() && !"https".equalsIgnoreCase(url.getScheme())) {
      m.error("tls", "is set but the url is not https://; use https:// or drop tls");
    }
    return new CoordinatorConfig(url, token, heartbeat, tls);
  }

  private LockConfig readLock(YamlMap m) {
    m.allowOnly(
        List.of(
            "backend",
            "redis",
            "hazelcast",
            "lease",
            "maxConcurrent",
            "onUnavailable",
            "criticalDiskRatio",
            "acquireTimeout"));
    LockBackend backend = m.get("backend", BACKEND, LockBackend.LOCAL);
    Optional<RedisConfig> redis = m.optionalSection("redis").map(this::readRedis);
    Optional<HazelcastConfig> hazelcast = m.optionalSection("hazelcast").map(this::readHazelcast);
    if (backend == LockBackend.REDIS && !m.has("redis")) {
      m.missing("redis", "backend redis needs redis: {uri: \"redis://host:6379\"}");
    }
    if (backend == LockBackend.HAZELCAST && !m.has("hazelcast")) {
      m.missing("hazelcast", "backend hazelcast needs hazelcast: {members: [\"host:5701\"]}");
    }
    // After a reported mistake the record still needs its parts; the load fails anyway.
    if (backend == LockBackend.REDIS && redis.isEmpty()) {
      redis = Optional.of(new RedisConfig("redis://invalid"));
    }
    if (backend == LockBackend.HAZELCAST && hazelcast.isEmpty()) {
      hazelcast = Optional.of(new HazelcastConfig(List.of(), DEFAULT_CLUSTER_NAME));
    }
    Duration lease =
        m.get("lease", ScalarType.durationAtLeast(Duration.ofSeconds(1)), DEFAULT_LEASE);
    int maxConcurrent = m.get("maxConcurrent", ScalarType.integer(1, 10_000), 1);
    LockConfig.OnUnavailable onUnavailable =
        m.get("onUnavailable", ON_UNAVAILABLE, LockConfig.OnUnavailable.WAIT);
    double ratio =
        m.get("criticalDiskRatio", ScalarType.ratio("0.95"), DEFAULT_CRITICAL_DISK_RATIO);
    Duration acquireTimeout =
        m.get("acquireTimeout", ScalarType.durationAtLeast(Duration.ZERO), DEFAULT_ACQUIRE_TIMEOUT);
    return new LockConfig(
        backend, redis, hazelcast, lease, maxConcurrent, onUnavailable, ratio, acquireTimeout);
  }

  private RedisConfig readRedis(YamlMap m) {
    m.allowOnly(List.of("uri", "cluster", "tls", "caFile"));
    String uri = m.require("uri", REDIS_URI).orElse("redis://invalid");
    boolean cluster = m.get("cluster", ScalarType.BOOLEAN, false);
    String scheme = uri.toLowerCase(Locale.ROOT);
    if (cluster && !(scheme.startsWith("redis://") || scheme.startsWith("rediss://"))) {
      m.error(
          "cluster",
          "is true but the uri is not redis:// or rediss://; a Redis Cluster is named by its"
              + " seed nodes, e.g. redis://n1:6379,n2:6379");
    }
    // caFile: the older spelling of tls.ca.
    Optional<Path> caFile = m.get("caFile", ScalarType.ABSOLUTE_PATH);
    caFile.ifPresent(f -> checkCertificates(m, "caFile", f, "the CA that signs the server's"));
    TlsConfig tls = m.optionalSection("tls").map(this::readTls).orElse(TlsConfig.NONE);
    if (caFile.isPresent()) {
      if (tls.ca().isPresent()) {
        m.error("caFile", "is the older spelling of tls.ca; give only tls.ca");
      } else {
        tls = new TlsConfig(caFile, tls.cert(), tls.key());
      }
    }
    if (tls.isConfigured() && !scheme.startsWith("rediss")) {
      m.error("tls", "is set but the uri is not rediss:// or rediss-sentinel://; use a TLS uri");
    }
    return new RedisConfig(uri, cluster, tls);
  }

  /** {@code tls: {ca, cert, key}}: PEM files, each checked now so validate reports them. */
  private TlsConfig readTls(YamlMap m) {
    m.allowOnly(List.of("ca", "cert", "key"));
    Optional<Path> ca = m.get("ca", ScalarType.ABSOLUTE_PATH);
    Optional<Path> cert = m.get("cert", ScalarType.ABSOLUTE_PATH);
    Optional<Path> key = m.get("key", ScalarType.ABSOLUTE_PATH);
    ca.ifPresent(f -> checkCertificates(m, "ca", f, "the CA that signs the server's"));
    cert.ifPresent(f -> checkCertificates(m, "cert", f, "the agent's client"));
    key.ifPresent(
        f -> {
          try {
            PemFiles.privateKey(f);
          } catch (java.io.IOException e) {
            m.error("key", e.getMessage() + "; give the client certificate's private key");
          }
        });
    if (cert.isPresent() != key.isPresent()) {
      m.error(
          cert.isPresent() ? "cert" : "key",
          "needs its pair; a client certificate is given as both cert and key");
      return new TlsConfig(ca, Optional.empty(), Optional.empty());
    }
    return new TlsConfig(ca, cert, key);
  }

  private static void checkCertificates(YamlMap m, String key, Path file, String whose) {
    try {
      PemFiles.certificates(file);
    } catch (java.io.IOException e) {
      m.error(key, e.getMessage() + "; give the PEM certificate of " + whose + " certificate");
    }
  }

  private HazelcastConfig readHazelcast(YamlMap m) {
    m.allowOnly(List.of("members", "clusterName"));
    List<String> members = new ArrayList<>();
    if (!m.has("members")) {
      m.missing("members", "write e.g. members: [\"coordinator:5701\"]");
    }
    m.value("members")
        .flatMap(v -> v.asList("a list of host:port, such as [\"coordinator:5701\"]"))
        .ifPresent(
            items -> {
              if (items.isEmpty()) {
                m.error(
                    "members", "is empty; list at least one member, e.g. [\"coordinator:5701\"]");
              }
              items.forEach(item -> item.as(MEMBER).ifPresent(members::add));
            });
    String clusterName = m.get("clusterName", ScalarType.NAME, DEFAULT_CLUSTER_NAME);
    return new HazelcastConfig(members, clusterName);
  }

  private HttpConfig readHttp(YamlMap m) {
    m.allowOnly(List.of("enabled", "bind", "port"));
    boolean enabled = m.get("enabled", ScalarType.BOOLEAN, true);
    String bind = m.get("bind", Addresses.BIND_ADDRESS, "0.0.0.0");
    int port = m.get("port", ScalarType.LISTEN_PORT, DEFAULT_HTTP_PORT);
    return new HttpConfig(enabled, bind, port);
  }

  private List<FileConfig> readFiles(YamlMap root) {
    if (!root.has("files")) {
      root.missing("files", "list the logs to rotate, e.g. files: [{path: /var/log/app.log}]");
      return List.of();
    }
    Optional<List<YamlValue>> items =
        root.value("files").flatMap(v -> v.asList("a list of files, each with at least a path"));
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.get().isEmpty()) {
      root.error("files", "is empty; list at least one log to rotate");
    }
    FileConfigReader reader = new FileConfigReader(ctx);
    List<FileConfigReader.Read> reads = new ArrayList<>();
    for (YamlValue item : items.get()) {
      item.asMap("a mapping with at least a path, e.g. {path: /var/log/app.log}")
          .flatMap(reader::read)
          .ifPresent(reads::add);
    }
    checkOverlaps(reads);
    return reads.stream().map(FileConfigReader.Read::config).toList();
  }

  /**
   * Two entries for one file would rotate it twice with different rules; refuse equal paths, and
   * plain paths that another entry's glob also matches (two globs cannot be compared in general).
   */
  private static void checkOverlaps(List<FileConfigReader.Read> reads) {
    for (int i = 0; i < reads.size(); i++) {
      FileConfig later = reads.get(i).config();
      YamlValue laterPath = reads.get(i).pathValue();
      for (int j = 0; j < i; j++) {
        FileConfig earlier = reads.get(j).config();
        YamlValue earlierPath = reads.get(j).pathValue();
        String where = earlierPath.path() + " (line " + earlierPath.line() + ")";
        if (later.path().equals(earlier.path())) {
          laterPath.error(
              "duplicate path; " + where + " already watches it; merge the two entries");
        } else if (matchesPlain(earlier, later) || matchesPlain(later, earlier)) {
          FileConfig glob = later.isGlob() ? later : earlier;
          FileConfig plain = later.isGlob() ? earlier : later;
          laterPath.error(
              Sizes.quote(plain.path())
                  + " is matched by the glob "
                  + Sizes.quote(glob.path())
                  + (later == glob ? ", and " + where + " watches it" : " of " + where)
                  + "; a file must be watched by one entry only");
        }
      }
    }
  }

  private static boolean matchesPlain(FileConfig glob, FileConfig plain) {
    return glob.isGlob() && !plain.isGlob() && glob.matcher().matches(Path.of(plain.path()));
  }
}
