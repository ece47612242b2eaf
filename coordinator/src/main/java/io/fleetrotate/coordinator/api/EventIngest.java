package io.fleetrotate.coordinator.api;

import io.fleetrotate.proto.RotationEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Stores a batch of rotation events and counts the new ones once: what {@code POST /api/v1/events}
 * hands the batch to.
 */
@FunctionalInterface
public interface EventIngest {
  /**
   * @return completes once every event of the batch is durably stored, with those that were new
   */
  CompletableFuture<List<RotationEvent>> ingest(List<RotationEvent> events);
}
