package io.fleetrotate.agent.report;

import io.fleetrotate.agent.config.CoordinatorConfig;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.proto.WireCodec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** An outbox and its sender pointed at a coordinator, with short waits, as a test builds them. */
final class Sending implements AutoCloseable {
  static final ReportSettings FAST =
      new ReportSettings(
          Duration.ofMillis(50),
          Duration.ofMillis(400),
          500,
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          100_000,
          Duration.ofSeconds(2));

  final Outbox outbox;
  final OutboxReplayer replayer;
  final LastReports last;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private boolean stopped;

  private Sending(Path dir, URI url, ReportSettings settings, Durable sync) throws IOException {
    WireCodec codec = new WireCodec();
    outbox = Outbox.open(dir, codec, sync, settings.warnAbove());
    last = new LastReports(dir.resolve(LastReports.FILE), Clock.systemUTC());
    ReportMetrics metrics = new ReportMetrics(registry, outbox, last);
    CoordinatorConfig config =
        new CoordinatorConfig(url, Optional.of(FakeCoordinator.TOKEN), Duration.ofSeconds(1));
    CoordinatorClient client =
        new CoordinatorClient(config, settings.requestTimeout(), Clock.systemUTC());
    replayer =
        new OutboxReplayer(outbox, new CoordinatorLink(client, codec, settings, metrics, last));
  }

  /** Opened, not started. */
  static Sending open(Path dir, URI url, ReportSettings settings, Durable sync) throws IOException {
    return new Sending(dir, url, settings, sync);
  }

  static Sending start(Path dir, URI url) throws IOException {
    return start(dir, url, FAST);
  }

  static Sending start(Path dir, URI url, ReportSettings settings) throws IOException {
    Sending s = open(dir, url, settings, Durable.SYSTEM);
    s.replayer.start();
    return s;
  }

  /** Writes an event as the rotation listener does: durably, then wakes the sender. */
  void record(io.fleetrotate.proto.RotationEvent event) {
    outbox.record(event);
    replayer.wake();
  }

  double counter(String name) {
    var c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  double counter(String name, String outcome) {
    var c = registry.find(name).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** Stops the sender without a last flush and releases the outbox, like a crash would. */
  void halt() throws Exception {
    if (!stopped) {
      stopped = true;
      replayer.stop();
      outbox.close();
    }
  }

  @Override
  public void close() throws Exception {
    halt();
  }
}
