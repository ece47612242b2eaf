package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.RotationEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where rotation history and node state outlive the process: {@link SqlHistoryStore}, an embedded
 * database per coordinator or one PostgreSQL server. Every method but {@link #append} and {@link
 * #size} may wait on the database: call them on a worker thread, never on an event loop. {@link
 * #append} does not wait, but prepares the batch (encodes each event) on the caller's thread: call
 * it off the event loop too. Reads throw {@link java.io.UncheckedIOException} when the database
 * cannot be read.
 *
 * <p>Events are deduplicated by event id (with the finish time, which a resend carries unchanged):
 * the agents' outboxes deliver at least once, and the store is what makes the accounting exactly
 * once.
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

  /** True if the event (its id, as finished at its time) is durably stored. */
  boolean contains(RotationEvent event);

  /** How many events are held (within retention); does not wait on the database. */
  long size();

  /** One page of events, newest finished first, filtered as asked. */
  RotationPage query(RotationQuery query);

  /** Every held event finished at or after {@code since}, newest first. */
  void forEachSince(Instant since, Consumer<RotationEvent> action);

  /**
   * What the fleet state counts from the held events, for a start: read from summaries kept with
   * the history, in time that grows with the fleet, not with the history.
   *
   * @param now the success windows end here (the last day, the last hour)
   */
  RestoredRotations restoredRotations(Instant now);

  /** Durably replaces the saved node states. */
  void saveNodes(List<SavedNode> nodes) throws IOException;

  /** The node states saved last, or none. */
  List<SavedNode> loadNodes() throws IOException;

  /** Forgets events older than the retention. */
  void sweep(Instant now);

  /** Flushes and closes; pending appends complete first. */
  @Override
  void close();

  /**
   * What the store holds in each {@code width}-wide slice of [{@code from}, {@code to}), by finish
   * time, the non-empty slices only, in time order: for two stores to find where their histories
   * differ without reading them. Read from the time index alone.
   */
  List<TimeSlice> slices(Instant from, Instant to, Duration width);

  /**
   * Up to {@code limit} events finished in [{@code from}, {@code to}), oldest first by finish time
   * then event id, starting after {@code after} (null: from the first).
   */
  List<RotationEvent> slicePage(Instant from, Instant to, Cursor after, int limit);
}
