package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.member.LeaseMaps;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.testsupport.RedisExtension;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A lock service outage is a state: a real redis-server is killed for 30 s under a running daemon
 * (check interval 1 s) whose log is due; likewise the only member of a real Hazelcast cluster,
 * stopped for {@value #HAZELCAST_OUTAGE_SECONDS} s and started again on its port. The log is
 * reported once (SKIPPED, LOCK_UNAVAILABLE), the agent says so once in a WARN and once in an INFO
 * when Redis is back, /health says DEGRADED meanwhile and UP after, and the log is rotated within
 * two check intervals of the recovery (for Hazelcast: once its client has reconnected, which it
 * retries at most every 5 s).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LockOutageTest {
  /** How long the Hazelcast member stays down, as issue 14 asks. */
  static final int HAZELCAST_OUTAGE_SECONDS = 30;

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger outageLog = (Logger) LoggerFactory.getLogger(LockOutage.class);
  private final String cluster = "outage-" + UUID.randomUUID().toString().substring(0, 8);
  private HazelcastInstance member;
  private Path live;

  @BeforeEach
  void captureLogs() {
    logged.start();
    outageLog.addAppender(logged);
  }

  @AfterEach
  void releaseLogs() {
    outageLog.detachAppender(logged);
    if (member != null) {
      member.getLifecycleService().terminate();
    }
  }

  @Test
  void aRedisOutageIsOneDeferralPerFileOneWarnAndDegradedHealth() throws Exception {
    AgentConfig config =
        daemonWithOneLog(
            "{ backend: redis, redis: { uri: \"%s\" }, acquireTimeout: 5s }"
                .formatted(redis.server().uri()));
    AgentMetrics metrics = new AgentMetrics();
    List<RotationOutcome> events = new CopyOnWriteArrayList<>();
    try (FleetLock lock = config.lock().open(config.stateDir())) {
      Agent agent = new Agent(config, lock, Clock.systemUTC(), metrics, (o, b, w) -> events.add(o));
      try (AgentDaemon daemon = new AgentDaemon(agent, AgentDaemon.Companion.NONE)) {
        int port = daemon.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(port).equals("UP"));

        redis.server().kill();
        Files.writeString(live, "{\"seq\":2}\n".repeat(500), StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(10)).until(() -> status(port).equals("DEGRADED"));
        JsonObject lockState = health(port).getJsonObject("lock");
        assertThat(lockState.getString("backend")).isEqualTo("redis");
        assertThat(lockState.getBoolean("available")).isFalse();
        assertThat(lockState.getString("unavailableSince")).isNotNull();
        // A 30 s outage, a check a second: still degraded, and still one event for the file.
        await()
            .during(Duration.ofSeconds(28))
            .atMost(Duration.ofSeconds(32))
            .until(() -> status(port).equals("DEGRADED") && events.size() <= 1);
        assertThat(events).hasSize(1);
        RotationOutcome deferred = events.get(0);
        assertThat(deferred.result()).isEqualTo(Result.SKIPPED);
        assertThat(deferred.reason()).contains(FailureReason.LOCK_UNAVAILABLE);
        assertThat(deferred.liveFile()).isEqualTo(live);
        assertThat(Files.size(live)).as("not rotated without a lease").isGreaterThan(1024);
        assertThat(warnings())
            .singleElement()
            .asString()
            .contains("redis lock service (" + redis.server().uri())
            .contains("unreachable")
            .contains("wait for it");

        redis.server().restart();
        long back = System.nanoTime();
        // Lettuce reconnects within a second; then two check intervals.
        await()
            .atMost(Duration.ofSeconds(4))
            .until(() -> events.stream().anyMatch(RotationOutcome::succeeded));
        assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(4));
        assertThat(events).hasSize(2);
        assertThat(events.get(1).result()).as(events.get(1).message()).isEqualTo(Result.SUCCESS);
        await().atMost(Duration.ofSeconds(5)).until(() -> status(port).equals("UP"));
        assertThat(health(port).getJsonObject("lock").getBoolean("available")).isTrue();
        assertThat(warnings()).hasSize(1);
        assertThat(
                logged.list.stream()
                    .filter(e -> e.getLevel() == Level.INFO)
                    .map(ILoggingEvent::getFormattedMessage))
            .singleElement()
            .asString()
            .contains("reachable again after")
            .contains("1 deferred log(s)");
      }
    }
  }

  private HazelcastInstance startMember(int port) {
    Config config = new Config();
    config.setClusterName(cluster);
    config.setInstanceName(cluster + "-" + UUID.randomUUID().toString().substring(0, 4));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.partition.count", "23");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
    return Hazelcast.newHazelcastInstance(LeaseMaps.configure(config));
  }

  @Test
  void aHazelcastOutageIsOneDeferralPerFileOneWarnAndDegradedHealth() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    member = startMember(port);
    AgentConfig config =
        daemonWithOneLog(
            "{ backend: hazelcast, acquireTimeout: 5s,"
                + " hazelcast: { members: [\"127.0.0.1:%d\"], clusterName: %s } }"
                    .formatted(port, cluster));
    AgentMetrics metrics = new AgentMetrics();
    List<RotationOutcome> events = new CopyOnWriteArrayList<>();
    try (FleetLock lock = config.lock().open(config.stateDir())) {
      Agent agent = new Agent(config, lock, Clock.systemUTC(), metrics, (o, b, w) -> events.add(o));
      try (AgentDaemon daemon = new AgentDaemon(agent, AgentDaemon.Companion.NONE)) {
        int httpPort = daemon.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(httpPort).equals("UP"));

        member.getLifecycleService().terminate();
        member = null;
        long down = System.nanoTime();
        Files.writeString(live, "{\"seq\":2}\n".repeat(500), StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(15)).until(() -> status(httpPort).equals("DEGRADED"));
        JsonObject lockState = health(httpPort).getJsonObject("lock");
        assertThat(lockState.getString("backend")).isEqualTo("hazelcast");
        assertThat(lockState.getBoolean("available")).isFalse();
        // The rest of the outage: still degraded, and still one event for the file.
        long left =
            Duration.ofSeconds(HAZELCAST_OUTAGE_SECONDS).toNanos() - (System.nanoTime() - down);
        List<String> seen = new java.util.ArrayList<>();
        long until = System.nanoTime() + Math.max(0, left);
        while (System.nanoTime() - until < 0) {
          long asked = System.nanoTime();
          seen.add(status(httpPort) + " after " + (asked - down) / 1_000_000 + " ms");
          java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        assertThat(seen).as("health during the outage").allMatch(h -> h.startsWith("DEGRADED"));
        assertThat(events).as("events during the outage").hasSize(1);
        RotationOutcome deferred = events.get(0);
        assertThat(deferred.result()).isEqualTo(Result.SKIPPED);
        assertThat(deferred.reason()).contains(FailureReason.LOCK_UNAVAILABLE);
        assertThat(Files.size(live)).as("not rotated without a lease").isGreaterThan(1024);
        assertThat(warnings())
            .singleElement()
            .asString()
            .contains("hazelcast lock service")
            .contains("127.0.0.1:" + port)
            .contains("unreachable");

        member = startMember(port);
        long back = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> events.stream().anyMatch(RotationOutcome::succeeded));
        Duration rotatedAfter = Duration.ofNanos(System.nanoTime() - back);
        System.out.println("rotated " + rotatedAfter.toMillis() + " ms after the member was back");
        // The client retries every 5 s at most (+20% jitter): then two check intervals.
        assertThat(rotatedAfter).isLessThan(Duration.ofSeconds(6 + 2));
        assertThat(events).hasSize(2);
        assertThat(events.get(1).result()).as(events.get(1).message()).isEqualTo(Result.SUCCESS);
        await().atMost(Duration.ofSeconds(5)).until(() -> status(httpPort).equals("UP"));
        assertThat(warnings()).hasSize(1);
      }
    }
  }

  @Test
  void aPasswordInTheRedisUriIsMasked() {
    assertThat(LockOutage.maskPassword("redis://:s3cret@redis:6379/0"))
        .isEqualTo("redis://***@redis:6379/0");
    assertThat(LockOutage.maskPassword("rediss://user:s3cret@redis:6379"))
        .isEqualTo("rediss://***@redis:6379");
    assertThat(LockOutage.maskPassword("redis://redis:6379")).isEqualTo("redis://redis:6379");
  }

  /**
   * A daemon (check interval 1 s, /health on a free port) with one log, {@link #live}, that the
   * next append makes due; {@code lock} is the flow-style {@code lock} section.
   */
  private AgentConfig daemonWithOneLog(String lock) throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n");
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: outage-test, group: g }
            stateDir: %s
            checkInterval: 1s
            http: { port: 0, bind: 127.0.0.1 }
            lock: %s
            files:
              - path: %s
                trigger: { maxSize: 1KiB }
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), lock, live));
    return ConfigLoader.load(yaml, Map.of());
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private String status(int port) throws Exception {
    return health(port).getString("status");
  }

  private JsonObject health(int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
