package io.fleetrotate.agent.daemon;

import io.fleetrotate.proto.Trigger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One watched file as the agent sees it now: for {@code status}, heartbeats and metrics.
 *
 * @param dueNow the trigger that makes it due right now, if any
 * @param nextTimed when the schedule or age trigger fires next
 * @param bytesToSizeTrigger bytes left before the size trigger fires, if it has one
 */
public record FileReport(
    Path path,
    String group,
    long sizeBytes,
    double growthBytesPerSecond,
    int backupCount,
    long backupBytes,
    Optional<Instant> lastRotation,
    Optional<String> lastResult,
    Optional<Trigger> dueNow,
    Optional<Instant> nextTimed,
    Optional<Long> bytesToSizeTrigger,
    String mount,
    double diskUsedRatio) {}
