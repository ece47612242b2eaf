package io.fleetrotate.coordinator.alert;

import java.time.Instant;

/**
 * An alert that is firing.
 *
 * @param summary one sentence for a person
 * @param value the measured value that broke the threshold
 * @param since when it started firing
 */
public record Alert(
    AlertKey key,
    Severity severity,
    String summary,
    double value,
    double threshold,
    Instant since) {}
