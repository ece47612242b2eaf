package io.fleetrotate.coordinator.alert;

import java.time.Instant;

/**
 * The state of one firing alert: the alert as last evaluated, and when a notice about it was last
 * sent (for the cooldown).
 */
public record Firing(Alert alert, Instant lastNotified) {}
