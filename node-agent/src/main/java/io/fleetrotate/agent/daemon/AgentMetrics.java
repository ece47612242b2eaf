package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's Prometheus metrics. Names follow Prometheus conventions with the {@code fleetrotate_}
 * prefix; gauges per file and per mount are backed by values updated at each check.
 */
public final class AgentMetrics {
  private final boolean recording;
  private PrometheusMeterRegistry registry; // guarded by this; made at first use
  private final Map<String, AtomicLong> fileSizes = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> fileGrowthMilli = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> diskUsedMicro = new ConcurrentHashMap<>();
  private final Timer checkTimer;

  public AgentMetrics() {
    this(true);
  }

  private AgentMetrics(boolean recording) {
    this.recording = recording;
    checkTimer =
        recording
            ? Timer.builder("fleetrotate_agent_check")
                .description("Time one check cycle takes (all watched files)")
                .register(registry())
            : null;
    if (recording) {
      FunctionCounter.builder(
              "fleetrotate_agent_ahead_handovers", this, m -> AheadPartial.handOvers())
          .description("Rotations that made their backup from a compress-ahead partial")
          .register(registry());
      FunctionCounter.builder(
              "fleetrotate_agent_ahead_reused", this, m -> AheadPartial.reusedBytes())
          .baseUnit("bytes")
          .description("Log bytes those rotations found compressed ahead")
          .register(registry());
    }
  }

  /**
   * The metrics of a one-shot command, which nobody scrapes: records nothing, and makes no registry
   * unless {@link #registry()} is asked for one (making it is a large part of the start of {@code
   * rotate --now}).
   */
  public static AgentMetrics oneShot() {
    return new AgentMetrics(false);
  }

  public synchronized PrometheusMeterRegistry registry() {
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
    return registry;
  }

  public String scrape() {
    return registry().scrape();
  }

  void recordCheck(Duration d) {
    if (!recording) {
      return;
    }
    checkTimer.record(d);
  }

  void recordLockWait(String group, String backend, String outcome, Duration waited) {
    if (!recording) {
      return;
    }
    Timer.builder("fleetrotate_lock_wait")
        .description(
            "Time spent waiting for a lease, by outcome (granted, timeout, unavailable, refused)")
        .tag("group", group)
        .tag("backend", backend)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(30))
        .register(registry())
        .record(waited);
  }

  void recordLockHold(String group, String backend, Duration held) {
    if (!recording) {
      return;
    }
    Timer.builder("fleetrotate_lock_hold")
        .description("Time a lease was held, grant to release")
        .tag("group", group)
        .tag("backend", backend)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(30))
        .register(registry())
        .record(held);
  }

  void recordRotation(RotationOutcome o) {
    if (!recording) {
      return;
    }
    String reason = o.reason().map(Enum::name).orElse("none");
    Counter.builder("fleetrotate_rotations")
        .description("Rotations by group, result and failure reason")
        .tag("group", o.group())
        .tag("result", o.result().name())
        .tag("reason", reason)
        .register(registry())
        .increment();
    Timer.builder("fleetrotate_rotation_duration")
        .description("Wall time of a rotation, move to prune")
        .tag("group", o.group())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry())
        .record(o.duration());
    if (o.succeeded()) {
      Counter.builder("fleetrotate_rotation_input_bytes")
          .baseUnit("bytes")
          .description("Bytes moved out of live logs")
          .register(registry())
          .increment(o.bytesBefore());
      Counter.builder("fleetrotate_rotation_output_bytes")
          .baseUnit("bytes")
          .description("Bytes the resulting backups take")
          .register(registry())
          .increment(o.bytesAfter());
      if (o.bytesBefore() > 0 && o.codec() != Codec.NONE) {
        DistributionSummary.builder("fleetrotate_compression_ratio")
            .description("Compressed size over original size, per rotation")
            .register(registry())
            .record((double) o.bytesAfter() / o.bytesBefore());
      }
      gauge(
              lastSuccess,
              o.liveFile(),
              "fleetrotate_file_last_success_timestamp_seconds",
              "Unix time of the last successful rotation",
              1)
          .set(o.finishedAt().getEpochSecond());
    }
  }

  void recordFile(Path live, long sizeBytes, double growthBytesPerSecond) {
    if (!recording) {
      return;
    }
    gauge(fileSizes, live, "fleetrotate_file_size_bytes", "Size of a watched log", 1)
        .set(sizeBytes);
    gauge(
            fileGrowthMilli,
            live,
            "fleetrotate_file_growth_bytes_per_second",
            "Growth of a watched log, averaged over recent checks",
            1000)
        .set(Math.round(growthBytesPerSecond * 1000));
  }

  void recordDisk(String mount, double usedRatio) {
    if (!recording) {
      return;
    }
    diskUsedMicro
        .computeIfAbsent(
            mount,
            m -> {
              AtomicLong v = new AtomicLong();
              Gauge.builder("fleetrotate_disk_used_ratio", v, x -> x.get() / 1e6)
                  .description("Used fraction of a log mount")
                  .tag("mount", m)
                  .register(registry());
              return v;
            })
        .set(Math.round(usedRatio * 1e6));
  }

  private AtomicLong gauge(
      Map<String, AtomicLong> map, Path live, String name, String help, double scale) {
    return map.computeIfAbsent(
        live.toString(),
        p -> {
          AtomicLong v = new AtomicLong();
          Gauge.builder(name, v, x -> x.get() / scale)
              .description(help)
              .tag("path", p)
              .register(registry());
          return v;
        });
  }
}
