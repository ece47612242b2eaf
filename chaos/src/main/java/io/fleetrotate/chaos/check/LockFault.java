package io.fleetrotate.chaos.check;

import java.time.Instant;

/**
 * A time the harness made the lock service unreachable (killed, paused, cut off), as it recorded
 * it: the checker holds the agents to one report per file for the whole of it.
 *
 * @param what the fault, in a few words
 * @param from when the fault began
 * @param to when it was healed
 */
public record LockFault(String what, Instant from, Instant to) {}
