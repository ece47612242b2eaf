package io.fleetrotate.agent.report;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The reporter's metrics, on the agent's registry, named like the rest of the agent's ({@code
 * fleetrotate_agent_...}; counters get {@code _total} from the Prometheus registry).
 */
final class ReportMetrics {
  private final MeterRegistry registry;
  private final Gauge pending;
  private final Gauge age;
  private final Counter eventsSent;
  private final Counter eventsRejected;

  ReportMetrics(MeterRegistry registry, Outbox outbox, LastReports last) {
    this.registry = registry;
    pending =
        Gauge.builder("fleetrotate_agent_outbox_pending_events", outbox, Outbox::pendingCount)
            .description("Rotation events written to the outbox and not yet acknowledged")
            .strongReference(true)
            .register(registry);
    age =
        Gauge.builder("fleetrotate_agent_last_report_age", last, LastReports::ageSeconds)
            .baseUnit("seconds")
            .description(
                "Time since the coordinator last took a heartbeat or events (since start if never)")
            .strongReference(true)
            .register(registry);
    eventsSent =
        Counter.builder("fleetrotate_agent_events_sent")
            .description("Rotation events the coordinator acknowledged")
            .register(registry);
    eventsRejected =
        Counter.builder("fleetrotate_agent_events_rejected")
            .description("Rotation events the coordinator refused as invalid, moved to rejected/")
            .register(registry);
  }

  /** Unregisters the gauges, which hold on to this reporter's outbox. */
  void close() {
    registry.remove(pending);
    registry.remove(age);
  }

  void eventsSent(int n) {
    eventsSent.increment(n);
  }

  void eventRejected() {
    eventsRejected.increment();
  }

  /**
   * @param outcome ok, unauthorized, rate_limited, invalid, server_error, http_error (another
   *     status), unreachable, bad_reply
   */
  void heartbeat(String outcome) {
    Counter.builder("fleetrotate_agent_heartbeats")
        .description("Heartbeats sent to the coordinator, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** Same outcomes as {@link #heartbeat}, plus too_large and not_accepted (an empty ack). */
  void eventBatch(String outcome) {
    Counter.builder("fleetrotate_agent_event_batches")
        .description("Event batches posted to the coordinator, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /**
   * @param outcome executed, duplicate, ignored
   */
  void command(String outcome) {
    Counter.builder("fleetrotate_agent_commands")
        .description("Coordinator commands received, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
