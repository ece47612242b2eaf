package io.fleetrotate.proto;

import java.util.List;

/**
 * A batch of rotation events decoded one event at a time: those that keep the contract, and those
 * that do not, so one bad event does not keep the others from being stored.
 *
 * @param events the valid events, in batch order
 * @param rejected the invalid ones, in batch order, each with its JSON path and rule
 */
public record EventBatch(List<RotationEvent> events, List<EventAck.Rejection> rejected) {
  public EventBatch {
    events = List.copyOf(events);
    rejected = List.copyOf(rejected);
  }
}
