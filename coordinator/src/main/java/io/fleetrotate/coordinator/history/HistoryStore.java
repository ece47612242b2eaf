package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.RotationEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where rotation history and node state outlive the process. One coordinator uses {@link
 * FileHistoryStore}; a cluster of coordinators shares what each stores through the cluster, and
 * each still keeps its own durable copy.
 *
 * <p>Events are deduplicated by event id: the agents' outboxes deliver at least once, and the store
 * is what makes the accounting exactly once.
 */
public interface HistoryStore extends AutoCloseable {

  /**
   * Stores the events whose ids are not stored yet.
   *
   * @return completes, off the caller's thread, once every event of {@code events} is durable (the
   *     new ones written and fsynced now, the others earlier), with the events that were new, in
   *     batch order and each id once; completes exceptionally with an {@link IOException} if the
   *     new ones could not be made durable, in which case none of them counts as stored
   */
  CompletableFuture<List<RotationEvent>> append(List<RotationEvent> events);

  /** True if the event is durably stored. */
  boolean contains(UUID eventId);

  /** How many events are held (within retention). */
  long size();

  /** One page of events, newest finished first, filtered as asked. */
  RotationPage query(RotationQuery query);

  /** Every held event finished at or after {@code since}, newest first. */
  void forEachSince(Instant since, Consumer<RotationEvent> action);

  /** Durably replaces the saved node states (write to a temporary file, fsync, rename). */
  void saveNodes(List<SavedNode> nodes) throws IOException;

  /** The node states saved last, or none. */
  List<SavedNode> loadNodes() throws IOException;

  /** Forgets events older than the retention, on disk and in memory. */
  void sweep(Instant now);

  /** Flushes and closes; pending appends complete first. */
  @Override
  void close();
}
