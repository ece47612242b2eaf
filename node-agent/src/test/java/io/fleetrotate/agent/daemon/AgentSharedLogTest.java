package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents (two replicas' agents, each with its own state) watch one log on a shared volume, in
 * one rotation group. Each finds the log due; the one granted the lease second must not rotate the
 * fresh file again. To make "the other rotated it while this one waited" deterministic, agent B's
 * lock runs agent A's whole check while B is asking for its lease.
 */
class AgentSharedLogTest {

  private static final Instant BEFORE_TWO = Instant.parse("2026-03-10T01:59:00Z");
  private static final Instant AFTER_TWO = Instant.parse("2026-03-10T02:00:30Z");
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  @TempDir Path dir;
  private Path live;
  private final SettableClock clock = new SettableClock(AFTER_TWO);
  private final List<FleetLock> locks = new ArrayList<>();
  private final List<RotationOutcome> reportedByA = new CopyOnWriteArrayList<>();
  private final List<RotationOutcome> reportedByB = new CopyOnWriteArrayList<>();

  @BeforeEach
  void sharedLogVolume() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    live = logs.resolve("server.log");
  }

  @AfterEach
  void closeLocks() {
    locks.forEach(FleetLock::close);
  }

  @Test
  void aLogOverMaxSizeIsRotatedOnceAndTheAgentThatWaitedSkipsIt() throws Exception {
    String trigger = "{ maxSize: 64KiB }";
    appendLines(1, 2000);
    Agent a = agent("a", trigger, clock, reportedByA);
    Agent b = agent("b", trigger, clock, reportedByB, whileAsking(() -> rotatedByA(a, 2001, 2100)));

    List<RotationOutcome> byB = b.checkOnce();

    assertThat(reportedByA).singleElement().satisfies(o -> rotated(o, Trigger.SIZE));
    assertThat(byB).singleElement().satisfies(o -> skippedWhileWaiting(o, Trigger.SIZE));
    assertThat(reportedByB).isEqualTo(byB);
    assertThat(backups()).hasSize(1);
    assertEveryLineOnce(2100);
  }

  @Test
  void aScheduledRotationAtTwoIsDoneOnceAndTheAgentThatWaitedSkipsIt() throws Exception {
    String trigger = "{ schedule: \"0 2 * * *\", timeZone: UTC }";
    clock.set(BEFORE_TWO);
    Agent a = agent("a", trigger, clock, reportedByA);
    Agent b = agent("b", trigger, clock, reportedByB, whileAsking(() -> rotatedByA(a, 501, 600)));
    firstSeenNow(a, b);
    appendLines(1, 500);
    clock.set(AFTER_TWO);

    List<RotationOutcome> byB = b.checkOnce();

    assertThat(reportedByA).singleElement().satisfies(o -> rotated(o, Trigger.SCHEDULE));
    assertThat(byB).singleElement().satisfies(o -> skippedWhileWaiting(o, Trigger.SCHEDULE));
    assertThat(backups()).hasSize(1);
    assertEveryLineOnce(600);
  }

  @Test
  void anAgentWhoseCheckComesAfterTheOthersRotationSkipsTheScheduledRotation() throws Exception {
    String trigger = "{ schedule: \"0 2 * * *\", timeZone: UTC }";
    clock.set(BEFORE_TWO);
    Agent a = agent("a", trigger, clock, reportedByA);
    Agent b = agent("b", trigger, clock, reportedByB);
    firstSeenNow(a, b);
    appendLines(1, 500);
    clock.set(AFTER_TWO);
    assertThat(a.checkOnce()).singleElement().satisfies(o -> rotated(o, Trigger.SCHEDULE));
    appendLines(501, 600);
    clock.set(AFTER_TWO.plusSeconds(20)); // B's check cycle is not aligned with A's

    List<RotationOutcome> byB = b.checkOnce();

    assertThat(byB)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.result()).isEqualTo(Result.SKIPPED);
              assertThat(o.message())
                  .contains("rotated " + live + " at " + AFTER_TWO)
                  .contains("before this agent got the lease")
                  .endsWith("it is not due any more");
            });
    assertThat(backups()).hasSize(1);
    assertEveryLineOnce(600);
  }

  @Test
  void afterTheSkipTheNextChecksNeitherRotateNorSkipUntilTheNextScheduledTime() throws Exception {
    String trigger = "{ schedule: \"0 2 * * *\", timeZone: UTC }";
    clock.set(BEFORE_TWO);
    Agent a = agent("a", trigger, clock, reportedByA);
    Agent b = agent("b", trigger, clock, reportedByB, whileAsking(() -> rotatedByA(a, 501, 600)));
    firstSeenNow(a, b);
    appendLines(1, 500);
    clock.set(AFTER_TWO);
    assertThat(b.checkOnce())
        .singleElement()
        .extracting(RotationOutcome::result)
        .isEqualTo(Result.SKIPPED);

    for (int i = 1; i <= 3; i++) {
      clock.set(AFTER_TWO.plus(Duration.ofMinutes(5 * i)));
      assertThat(a.checkOnce()).isEmpty();
      assertThat(b.checkOnce()).isEmpty();
    }
    FileReport seenByB = report(b);
    assertThat(seenByB.lastResult()).contains("SKIPPED");
    assertThat(seenByB.dueNow()).isEmpty();
    assertThat(seenByB.nextTimed()).contains(Instant.parse("2026-03-11T02:00:00Z"));
    assertThat(reportedByA).hasSize(1);
    assertThat(reportedByB).hasSize(1);

    clock.set(Instant.parse("2026-03-11T02:00:30Z"));
    assertThat(report(b).dueNow()).contains(Trigger.SCHEDULE);
  }

  @Test
  void aRotationOnAHostWhoseClockIsBehindStillCountsAsWhileThisAgentWaited() throws Exception {
    String trigger = "{ schedule: \"0 2 * * *\", timeZone: UTC }";
    clock.set(BEFORE_TWO);
    // A's clock is ten minutes behind: the fence records its rotation before 02:00.
    Clock behind = Clock.offset(clock, Duration.ofMinutes(-10));
    Agent a = agent("a", trigger, behind, reportedByA);
    Agent b =
        agent(
            "b",
            trigger,
            clock,
            reportedByB,
            whileAsking(
                () -> {
                  a.rotateNow(live, Trigger.MANUAL, ProgressListener.NONE);
                  appendLines(501, 600);
                }));
    firstSeenNow(a, b);
    appendLines(1, 500);
    clock.set(AFTER_TWO);

    List<RotationOutcome> byB = b.checkOnce();

    assertThat(reportedByA).singleElement().satisfies(o -> rotated(o, Trigger.MANUAL));
    assertThat(byB).singleElement().satisfies(o -> skippedWhileWaiting(o, Trigger.SCHEDULE));
    assertThat(report(b).nextTimed()).contains(Instant.parse("2026-03-11T02:00:00Z"));
    assertThat(backups()).hasSize(1);
  }

  @Test
  void anAgeTriggerCountsFromNoLaterThanThisAgentsNowWhenTheOthersClockIsAhead() throws Exception {
    String trigger = "{ maxAge: 1h }";
    clock.set(BEFORE_TWO);
    Clock ahead = Clock.offset(clock, Duration.ofMinutes(10));
    Agent a = agent("a", trigger, ahead, reportedByA);
    Agent b = agent("b", trigger, clock, reportedByB, whileAsking(() -> rotatedByA(a, 501, 600)));
    firstSeenNow(a, b);
    appendLines(1, 500);
    clock.set(BEFORE_TWO.plus(Duration.ofMinutes(61)));

    List<RotationOutcome> byB = b.checkOnce();

    assertThat(reportedByA).singleElement().satisfies(o -> rotated(o, Trigger.AGE));
    assertThat(byB).singleElement().satisfies(o -> skippedWhileWaiting(o, Trigger.AGE));
    assertThat(report(b).nextTimed()).contains(clock.instant().plus(Duration.ofHours(1)));
    assertThat(backups()).hasSize(1);
    assertEveryLineOnce(600);
  }

  @Test
  void aManualRotationIsNeverSkipped() throws Exception {
    String trigger = "{ maxSize: 64KiB }";
    appendLines(1, 2000);
    Agent a = agent("a", trigger, clock, reportedByA);
    Agent b = agent("b", trigger, clock, reportedByB, whileAsking(() -> rotatedByA(a, 2001, 2100)));

    RotationOutcome byB = b.rotateNow(live, Trigger.MANUAL, ProgressListener.NONE);

    assertThat(reportedByA).singleElement().satisfies(o -> rotated(o, Trigger.SIZE));
    assertThat(byB.result()).as(byB.message()).isEqualTo(Result.SUCCESS);
    assertThat(byB.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(backups()).hasSize(2);
    assertThat(Files.size(live)).isZero();
    assertEveryLineOnce(2100);
  }

  @Test
  void aLogStillOverMaxSizeWhenTheLeaseComesIsRotatedAgain() throws Exception {
    String trigger = "{ maxSize: 64KiB }";
    appendLines(1, 2000);
    Agent a = agent("a", trigger, clock, reportedByA);
    // The server wrote past maxSize again while B waited: B's rotation is due on its own.
    Agent b = agent("b", trigger, clock, reportedByB, whileAsking(() -> rotatedByA(a, 2001, 4000)));

    List<RotationOutcome> byB = b.checkOnce();

    assertThat(reportedByA).singleElement().satisfies(o -> rotated(o, Trigger.SIZE));
    assertThat(byB).singleElement().satisfies(o -> rotated(o, Trigger.SIZE));
    assertThat(backups()).hasSize(2);
    assertEveryLineOnce(4000);
  }

  // --- fixture -------------------------------------------------------------------------------

  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  /** What happens while B asks for its lease: A checks (and rotates), the server writes on. */
  private void rotatedByA(Agent a, int from, int to) throws IOException {
    assertThat(a.checkOnce()).hasSize(1);
    appendLines(from, to);
  }

  private Agent agent(String name, String trigger, Clock agentClock, List<RotationOutcome> seen)
      throws Exception {
    return agent(name, trigger, agentClock, seen, lock -> lock);
  }

  private Agent agent(
      String name,
      String trigger,
      Clock agentClock,
      List<RotationOutcome> seen,
      UnaryOperator<FleetLock> wrap)
      throws Exception {
    Path config =
        Files.writeString(
            dir.resolve(name + ".yaml"),
            """
            node: { id: replica-%s, group: g }
            stateDir: %s
            lock: { backend: local }
            files:
              - path: %s
                trigger: %s
                retention: { keep: 100 }
                compress: { codec: gzip }
                reopen: { method: copytruncate }
            """
                .formatted(name, dir.resolve(name + "-state"), live, trigger));
    AgentConfig c = ConfigLoader.load(config, Map.of());
    // One lock directory for both: the replicas' shared lock.
    FleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1);
    locks.add(lock);
    return new Agent(
        c, wrap.apply(lock), agentClock, new AgentMetrics(), (o, backend, waitMs) -> seen.add(o));
  }

  /** A lock that runs {@code meanwhile} once, after the agent decided and before it is granted. */
  private static UnaryOperator<FleetLock> whileAsking(Step meanwhile) {
    return lock ->
        new FleetLock() {
          private final AtomicBoolean done = new AtomicBoolean();

          @Override
          public Lease acquire(String group, double priority, Duration timeout)
              throws LockUnavailableException, LockTimeoutException, InterruptedException {
            if (!done.getAndSet(true)) {
              try {
                meanwhile.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
            return lock.acquire(group, priority, timeout);
          }

          @Override
          public String backendName() {
            return lock.backendName();
          }

          @Override
          public void close() {
            lock.close();
          }
        };
  }

  /** Starts both agents' schedule and age clocks now (they first see the file). */
  private void firstSeenNow(Agent... agents) throws IOException {
    if (!Files.exists(live)) {
      Files.createFile(live);
    }
    for (Agent agent : agents) {
      agent.sampleGrowth();
    }
  }

  private FileReport report(Agent agent) {
    return agent.status().stream().filter(r -> r.path().equals(live)).findFirst().orElseThrow();
  }

  private static void rotated(RotationOutcome o, Trigger trigger) {
    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    assertThat(o.trigger()).isEqualTo(trigger);
  }

  private void skippedWhileWaiting(RotationOutcome o, Trigger trigger) {
    assertThat(o.result()).isEqualTo(Result.SKIPPED);
    assertThat(o.trigger()).isEqualTo(trigger);
    assertThat(o.reason()).isEmpty();
    assertThat(o.message())
        .contains(" rotated " + live + " at ")
        .contains("while this agent waited for the lease")
        .endsWith("it is not due any more");
    assertThat(o.bytesBefore()).isZero();
    assertThat(o.fencingToken()).isPositive();
  }

  /** Sequence-numbered lines, as a server would write them. */
  private void appendLines(int from, int to) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int seq = from; seq <= to; seq++) {
      sb.append("{\"seq\":")
          .append(seq)
          .append(",\"msg\":\"")
          .append("x".repeat(40))
          .append("\"}\n");
    }
    Files.writeString(
        live, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private List<Path> backups() throws IOException {
    try (var s = Files.list(live.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(live.getFileName() + "."))
          .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
          .sorted()
          .toList();
    }
  }

  /** Every line 1..last is in exactly one place: the live log or one of its backups. */
  private void assertEveryLineOnce(int last) throws IOException {
    Map<Integer, Integer> seen = new TreeMap<>();
    List<Path> files = new ArrayList<>(backups());
    files.add(live);
    for (Path f : files) {
      try (InputStream raw = Files.newInputStream(f);
          InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          Matcher m = SEQ.matcher(line);
          if (m.find()) {
            seen.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
          }
        }
      }
    }
    assertThat(seen.keySet()).as("lines across " + files).hasSize(last);
    assertThat(seen).allSatisfy((seq, n) -> assertThat(n).as("copies of line " + seq).isOne());
    assertThat(seen.keySet()).first().isEqualTo(1);
    assertThat(seen.keySet()).last().isEqualTo(last);
  }

  /** A clock the test moves by hand; shared (or offset) by the agents of one test. */
  private static final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;

    SettableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the agents run in UTC here");
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
