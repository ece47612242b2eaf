package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.CommandType;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import io.fleetrotate.testsupport.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reporter with a real agent on a real configuration, its rotation worker, and a coordinator
 * over loopback HTTP: heartbeats, commands, events from real rotations, stopping.
 */
class ReporterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String WORKER = "test-rotation-worker";

  @TempDir Path dir;
  private Path logs;
  private Path a;
  private Path b;
  private AgentConfig config;
  private FakeCoordinator coordinator;
  private LocalFleetLock lock;
  private ExecutorService worker;
  private AgentMetrics metrics;
  private Agent agent;
  private Reporter reporter;
  private final Set<String> rotatingThreads = new CopyOnWriteArraySet<>();

  @BeforeEach
  void agentWithTwoLogs() throws Exception {
    coordinator = FakeCoordinator.start();
    logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    a = Files.writeString(logs.resolve("a.log"), "{\"line\":\"a\"}\n".repeat(1_000));
    b = Files.writeString(logs.resolve("b.log"), "{\"line\":\"b\"}\n".repeat(2_000));
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: report-test, group: g }
            stateDir: %s
            http: { enabled: false }
            coordinator: { url: "%s", token: "%s", heartbeat: 1s }
            files:
              - path: %s/*.log
                trigger: { maxSize: 1GiB }
                compress: { codec: gzip }
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), coordinator.url(), FakeCoordinator.TOKEN, logs));
    config = ConfigLoader.load(yaml, Map.of());
    lock = new LocalFleetLock(dir.resolve("locks"), 1);
    worker = Executors.newSingleThreadExecutor(r -> new Thread(r, WORKER));
    metrics = new AgentMetrics();
    startReporter();
  }

  private void startReporter() throws Exception {
    reporter =
        Reporter.open(
            config,
            config.coordinator().orElseThrow(),
            metrics.registry(),
            Clock.systemUTC(),
            "test-version",
            Sending.FAST,
            Durable.SYSTEM);
    RotationListener reporting = reporter.listener();
    agent =
        new Agent(
            config,
            lock,
            Clock.systemUTC(),
            metrics,
            (outcome, backend, waitMs) -> {
              rotatingThreads.add(Thread.currentThread().getName());
              return reporting.rotated(outcome, backend, waitMs);
            });
    reporter.start(agent, worker);
  }

  @AfterEach
  void stopEverything() throws Exception {
    reporter.close();
    worker.shutdownNow();
    worker.awaitTermination(30, TimeUnit.SECONDS);
    lock.close();
    coordinator.close();
  }

  private static Command rotate(Path path) {
    return new Command(
        UUID.randomUUID(), CommandType.ROTATE_NOW, path == null ? null : path.toString());
  }

  private List<RotationEvent> storedFor(Path path) {
    return coordinator.stored().stream().filter(e -> e.path().equals(path.toString())).toList();
  }

  private long backupsOf(Path live) throws Exception {
    try (Stream<Path> files = Files.list(live.getParent())) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(live.getFileName() + "."))
          .count();
    }
  }

  private double counter(String name, String outcome) {
    var c = metrics.registry().find(name).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aHeartbeatCarriesOneDiskPerMountAndEveryWatchedFile() throws Exception {
    await().atMost(DEADLINE).until(() -> !coordinator.heartbeats().isEmpty());

    NodeHeartbeat hb = coordinator.heartbeats().get(0);
    assertThat(hb.nodeId()).isEqualTo("report-test");
    assertThat(hb.group()).isEqualTo("g");
    assertThat(hb.agentVersion()).isEqualTo("test-version");
    String mount = worker.submit(() -> agent.status().get(0).mount()).get();
    assertThat(hb.disks()).hasSize(1);
    DiskUsage disk = hb.disks().get(0);
    assertThat(disk.mount()).isEqualTo(mount);
    assertThat(disk.totalBytes()).isPositive();
    assertThat(disk.usedBytes()).isBetween(1L, disk.totalBytes());
    assertThat(hb.files())
        .extracting(FileStatus::path, FileStatus::sizeBytes)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(a.toString(), Files.size(a)),
            org.assertj.core.groups.Tuple.tuple(b.toString(), Files.size(b)));
    assertThat(hb.files()).allSatisfy(f -> assertThat(f.lastRotation()).isNull());
    assertThat(counter("fleetrotate_agent_heartbeats", "ok")).isPositive();
  }

  @Test
  void aRotateNowCommandRotatesTheFileOnTheWorkerOnceEvenWhenRepliesRepeatIt() throws Exception {
    long sizeOfB = Files.size(b);
    coordinator.repeatInEveryReply(List.of(rotate(a)));

    await().atMost(DEADLINE).until(() -> storedFor(a).size() == 1);
    int heartbeatsSoFar = coordinator.heartbeats().size();
    await().atMost(DEADLINE).until(() -> coordinator.heartbeats().size() >= heartbeatsSoFar + 3);

    assertThat(storedFor(a)).hasSize(1);
    assertThat(coordinator.received()).hasSize(1);
    RotationEvent e = storedFor(a).get(0);
    assertThat(e.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(e.result()).isEqualTo(Result.SUCCESS);
    assertThat(rotatingThreads).containsExactly(WORKER);
    assertThat(backupsOf(a)).isEqualTo(1);
    assertThat(Files.size(a)).isZero();
    assertThat(Files.size(b)).isEqualTo(sizeOfB);
    assertThat(counter("fleetrotate_agent_commands", "executed")).isEqualTo(1);
    assertThat(counter("fleetrotate_agent_commands", "duplicate")).isGreaterThanOrEqualTo(3);
    // The next heartbeat tells the coordinator about the rotation.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              List<NodeHeartbeat> all = coordinator.heartbeats();
              FileStatus fa =
                  all.get(all.size() - 1).files().stream()
                      .filter(f -> f.path().equals(a.toString()))
                      .findFirst()
                      .orElseThrow();
              assertThat(fa.lastResult()).isEqualTo(Result.SUCCESS);
              assertThat(fa.backupCount()).isEqualTo(1);
            });
  }

  @Test
  void aRotateNowCommandWithoutAPathRotatesEveryWatchedFileAndReportsEach() throws Exception {
    coordinator.queue(rotate(null));

    await().atMost(DEADLINE).until(() -> coordinator.stored().size() == 2);

    assertThat(coordinator.stored())
        .extracting(RotationEvent::path)
        .containsExactlyInAnyOrder(a.toString(), b.toString());
    assertThat(coordinator.stored())
        .allSatisfy(
            e -> {
              assertThat(e.nodeId()).isEqualTo("report-test");
              assertThat(e.group()).isEqualTo("g");
              assertThat(e.trigger()).isEqualTo(Trigger.MANUAL);
              assertThat(e.result()).isEqualTo(Result.SUCCESS);
              assertThat(e.codec()).isEqualTo("gzip");
              assertThat(e.lockBackend()).isEqualTo("local");
              assertThat(e.fencingToken()).isPositive();
              assertThat(e.bytesBefore()).isPositive();
              assertThat(e.bytesAfter()).isPositive();
            });
  }

  @Test
  void aCommandForAFileTheAgentDoesNotWatchIsIgnored() throws Exception {
    Path stranger = Files.writeString(dir.resolve("other.log"), "not watched\n");
    coordinator.queue(rotate(stranger));
    coordinator.queue(rotate(a));

    await().atMost(DEADLINE).until(() -> storedFor(a).size() == 1);

    assertThat(coordinator.stored()).hasSize(1);
    assertThat(Files.readString(stranger)).isEqualTo("not watched\n");
    assertThat(counter("fleetrotate_agent_commands", "ignored")).isEqualTo(1);
  }

  @Test
  void heartbeatsKeepComingWhileTheWorkerIsBusyRotating() throws Exception {
    await().atMost(DEADLINE).until(() -> !coordinator.heartbeats().isEmpty());
    CountDownLatch release = new CountDownLatch(1);
    worker.execute(
        () -> {
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      int before = coordinator.heartbeats().size();
      await().atMost(DEADLINE).until(() -> coordinator.heartbeats().size() >= before + 2);
      // The last status known stands in while the worker is busy.
      List<NodeHeartbeat> all = coordinator.heartbeats();
      assertThat(all.get(all.size() - 1).files()).hasSize(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aStoppedReporterKeepsUnsentEventsAndTheNextOneSendsThem() throws Exception {
    coordinator.stop();
    worker.submit(() -> agent.rotateNow(a, Trigger.MANUAL, ProgressListener.NONE)).get();
    Path outbox = Reporter.outboxDir(config.stateDir());
    assertThat(Outbox.depth(outbox).pending()).isEqualTo(1);

    long start = System.nanoTime();
    reporter.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(Outbox.depth(outbox).pending()).isEqualTo(1);
    assertThat(LastReports.read(outbox)).isPresent();

    coordinator.restart();
    startReporter();

    await().atMost(DEADLINE).until(() -> storedFor(a).size() == 1);
    await().atMost(DEADLINE).until(() -> Outbox.depth(outbox).pending() == 0);
    assertThat(coordinator.received()).hasSize(1);
  }

  @Test
  void theReportersMetricsPassPromtool() throws Exception {
    coordinator.queue(rotate(a));
    await().atMost(DEADLINE).until(() -> storedFor(a).size() == 1);
    await().atMost(DEADLINE).until(() -> reporter.pendingEvents() == 0);

    String scrape = metrics.scrape();

    assertThat(scrape)
        .contains("fleetrotate_agent_outbox_pending_events 0.0")
        .contains("fleetrotate_agent_events_sent_total 1.0")
        .contains("fleetrotate_agent_events_rejected_total 0.0")
        .contains("fleetrotate_agent_heartbeats_total{outcome=\"ok\"}")
        .contains("fleetrotate_agent_last_report_age_seconds")
        .contains("fleetrotate_agent_commands_total{outcome=\"executed\"} 1.0");
    Promtool.assertMetricsClean(scrape, dir);
  }

  @Test
  void aRefusedHeartbeatIsCountedAndHeartbeatsGoOnUntilTheTokenIsAccepted() throws Exception {
    coordinator.fail(FakeCoordinator.Failure.UNAUTHORIZED);

    await()
        .atMost(DEADLINE)
        .until(() -> counter("fleetrotate_agent_heartbeats", "unauthorized") >= 2);
    coordinator.fail(FakeCoordinator.Failure.NONE);

    await().atMost(DEADLINE).until(() -> !coordinator.heartbeats().isEmpty());
    // The coordinator has the heartbeat before the agent has read its answer and noted it.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(LastReports.read(Reporter.outboxDir(config.stateDir())))
                    .hasValueSatisfying(
                        s ->
                            assertThat(s.heartbeat())
                                .hasValueSatisfying(h -> assertThat(h.ok()).isTrue())));
  }

  @Test
  void aRateLimitedHeartbeatHoldsTheNextOnesBackForRetryAfter() throws Exception {
    await().atMost(DEADLINE).until(() -> !coordinator.heartbeats().isEmpty());
    coordinator.rateLimitHeartbeats(1, "3");

    await()
        .atMost(DEADLINE)
        .until(
            () ->
                coordinator.heartbeatRequests().stream()
                    .dropWhile(r -> r.status() != 429)
                    .anyMatch(r -> r.status() == 200));

    List<FakeCoordinator.HeartbeatRequest> requests = coordinator.heartbeatRequests();
    int limited =
        requests.stream().map(FakeCoordinator.HeartbeatRequest::status).toList().indexOf(429);
    Duration held =
        Duration.ofNanos(requests.get(limited + 1).atNanos() - requests.get(limited).atNanos());
    // Heartbeats come every second otherwise.
    assertThat(held).isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
  }
}
