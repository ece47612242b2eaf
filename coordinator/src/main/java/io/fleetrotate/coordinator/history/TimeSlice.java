package io.fleetrotate.coordinator.history;

import java.time.Instant;

/**
 * The events a store holds in one slice of time: how many, and the sum of their finish times as
 * microseconds after the slice's start. Two stores that hold the same events in a slice have equal
 * slices; a slice that differs holds different events (the sum tells apart two sets of one size,
 * unless they differ only by events finished in the same microsecond).
 */
public record TimeSlice(Instant start, long count, long microsSum) {}
