package io.fleetrotate.agent.report;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.CoordinatorConfig;
import io.fleetrotate.agent.config.NodeConfig;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentDaemon;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.config.Durations;
import io.fleetrotate.proto.WireCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports to the coordinator: rotation events through the durable outbox ({@code
 * stateDir/outbox/}), heartbeats every {@code coordinator.heartbeat}, and the commands heartbeat
 * replies carry, carried out on the daemon's rotation worker.
 *
 * <p>Lifecycle: {@link #open} (recovers the outbox), give {@link #listener()} to the {@link Agent},
 * then {@link #start} with the agent and its worker. To stop, {@link #stopping()} ends heartbeats
 * (and so new commands); once the worker has finished its last rotation, {@link #close()} makes a
 * last attempt to send pending events within a few seconds and leaves the rest on disk for the next
 * start.
 */
public final class Reporter implements AgentDaemon.Companion {
  private static final Logger log = LoggerFactory.getLogger(Reporter.class);

  private final NodeConfig node;
  private final Duration heartbeat;
  private final Clock clock;
  private final String agentVersion;
  private final Outbox outbox;
  private final CoordinatorLink link;
  private final OutboxReplayer replayer;
  private final OutboxRecorder recorder;
  private HeartbeatSender heartbeats;
  private boolean closed;

  private Reporter(
      AgentConfig config,
      CoordinatorConfig coordinator,
      Clock clock,
      String agentVersion,
      Outbox outbox,
      CoordinatorLink link) {
    this.node = config.node();
    this.heartbeat = coordinator.heartbeat();
    this.clock = clock;
    this.agentVersion = agentVersion;
    this.outbox = outbox;
    this.link = link;
    this.replayer = new OutboxReplayer(outbox, link);
    this.recorder = new OutboxRecorder(outbox, node.id(), replayer::wake);
  }

  /**
   * Opens the outbox under {@code config.stateDir()} and prepares reporting to {@code coordinator};
   * sends nothing until {@link #start}.
   *
   * @throws IOException the outbox cannot be opened (unwritable, or another agent owns it)
   */
  public static Reporter open(
      AgentConfig config,
      CoordinatorConfig coordinator,
      MeterRegistry registry,
      Clock clock,
      String agentVersion)
      throws IOException {
    return open(
        config,
        coordinator,
        registry,
        clock,
        agentVersion,
        ReportSettings.DEFAULTS,
        Durable.SYSTEM);
  }

  static Reporter open(
      AgentConfig config,
      CoordinatorConfig coordinator,
      MeterRegistry registry,
      Clock clock,
      String agentVersion,
      ReportSettings settings,
      Durable durable)
      throws IOException {
    Outbox outbox =
        Outbox.open(outboxDir(config.stateDir()), new WireCodec(), durable, settings.warnAbove());
    LastReports last = new LastReports(outbox.directory().resolve(LastReports.FILE), clock);
    CoordinatorLink link =
        new CoordinatorLink(
            new CoordinatorClient(coordinator, settings.requestTimeout(), clock),
            new WireCodec(),
            settings,
            new ReportMetrics(registry, outbox, last),
            last);
    return new Reporter(config, coordinator, clock, agentVersion, outbox, link);
  }

  /** Where the outbox of an agent with this {@code stateDir} lives. */
  public static Path outboxDir(Path stateDir) {
    return stateDir.resolve("outbox");
  }

  /** The listener the {@link Agent} must be built with: it writes each rotation to the outbox. */
  public RotationListener listener() {
    return recorder;
  }

  /**
   * Starts sending: pending events at once, then each as it is written, and heartbeats. Every call
   * to {@code agent} is submitted to {@code worker}, the thread that drives it.
   */
  @Override
  public synchronized void start(Agent agent, Executor worker) {
    if (heartbeats != null) {
      throw new IllegalStateException("already started");
    }
    CommandRunner commands = new CommandRunner(agent, worker, link.metrics());
    StatusSnapshots status = new StatusSnapshots(agent, worker);
    heartbeats =
        new HeartbeatSender(
            link,
            heartbeat,
            wait ->
                Heartbeats.build(
                    node, agentVersion, clock.instant(), status.current(wait), status.lockState()),
            reply -> {
              replayer.coordinatorAnswered();
              commands.accept(reply.commands());
            });
    replayer.start();
    heartbeats.start();
    log.info(
        "reporting to {} every {}; {} events wait in the outbox",
        link.client().url(),
        Durations.format(heartbeat),
        outbox.pendingCount());
  }

  /** Stops heartbeats, so that no new command reaches the worker. */
  @Override
  public synchronized void stopping() {
    if (heartbeats != null) {
      try {
        heartbeats.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Events written to the outbox and not yet acknowledged. */
  public int pendingEvents() {
    return outbox.pendingCount();
  }

  /**
   * Stops heartbeats and the sender, tries once more to send pending events within a short
   * deadline, and closes the outbox; what is unsent stays on disk.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping();
    try {
      replayer.stop();
      replayer.flush(link.settings().flushDeadline());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      link.metrics().close();
      try {
        outbox.close();
      } catch (IOException e) {
        log.warn("cannot close the outbox cleanly: {}", e.getMessage());
      }
    }
  }
}
