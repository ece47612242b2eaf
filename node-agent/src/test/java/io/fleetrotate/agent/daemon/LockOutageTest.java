package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.testsupport.RedisExtension;
import io.vertx.core.json.JsonObject;
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
 * A lock service outage is a state: a real redis-server is killed for 8 s under a running daemon
 * (check interval 1 s) whose log is due. The log is reported once (SKIPPED, LOCK_UNAVAILABLE), the
 * agent says so once in a WARN and once in an INFO when Redis is back, /health says DEGRADED
 * meanwhile and UP after, and the log is rotated within two check intervals of the recovery.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LockOutageTest {
  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger outageLog = (Logger) LoggerFactory.getLogger(LockOutage.class);

  @BeforeEach
  void captureLogs() {
    logged.start();
    outageLog.addAppender(logged);
  }

  @AfterEach
  void releaseLogs() {
    outageLog.detachAppender(logged);
  }

  @Test
  void aRedisOutageIsOneDeferralPerFileOneWarnAndDegradedHealth() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n");
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: outage-test, group: g }
            stateDir: %s
            checkInterval: 1s
            http: { port: 0, bind: 127.0.0.1 }
            lock:
              backend: redis
              redis: { uri: "%s" }
              acquireTimeout: 5s
            files:
              - path: %s
                trigger: { maxSize: 1KiB }
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), redis.server().uri(), live));
    AgentConfig config = ConfigLoader.load(yaml, Map.of());
    AgentMetrics metrics = new AgentMetrics();
    List<RotationOutcome> events = new CopyOnWriteArrayList<>();
    try (FleetLock lock = config.lock().open(config.stateDir())) {
      Agent agent = new Agent(config, lock, Clock.systemUTC(), metrics, (o, b, w) -> events.add(o));
      try (AgentDaemon daemon = new AgentDaemon(config, agent, metrics, Clock.systemUTC())) {
        int port = daemon.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(port).equals("UP"));

        redis.server().kill();
        Files.writeString(live, "{\"seq\":2}\n".repeat(500), StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(10)).until(() -> status(port).equals("DEGRADED"));
        JsonObject lockState = health(port).getJsonObject("lock");
        assertThat(lockState.getString("backend")).isEqualTo("redis");
        assertThat(lockState.getBoolean("available")).isFalse();
        assertThat(lockState.getString("unavailableSince")).isNotNull();
        // Eight checks into the outage: still degraded, and still one event for the file.
        await()
            .during(Duration.ofSeconds(8))
            .atMost(Duration.ofSeconds(12))
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

  @Test
  void aPasswordInTheRedisUriIsMasked() {
    assertThat(LockOutage.maskPassword("redis://:s3cret@redis:6379/0"))
        .isEqualTo("redis://***@redis:6379/0");
    assertThat(LockOutage.maskPassword("rediss://user:s3cret@redis:6379"))
        .isEqualTo("rediss://***@redis:6379");
    assertThat(LockOutage.maskPassword("redis://redis:6379")).isEqualTo("redis://redis:6379");
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
