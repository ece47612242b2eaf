package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.Result;
import java.time.Instant;

/**
 * Which rotations to list: each filter null for "any".
 *
 * @param path only rotations of this watched file
 * @param since only rotations finished at or after this
 * @param after the cursor of the previous page, or null for the first
 * @param limit at most this many items
 */
public record RotationQuery(
    String node, String group, String path, Result result, Instant since, Cursor after, int limit) {

  /** Any path. */
  public RotationQuery(
      String node, String group, Result result, Instant since, Cursor after, int limit) {
    this(node, group, null, result, since, after, limit);
  }

  public static RotationQuery all(int limit) {
    return new RotationQuery(null, null, null, null, null, limit);
  }

  /** The same filters, for the page after {@code next}. */
  public RotationQuery after(Cursor next, int pageLimit) {
    return new RotationQuery(node, group, path, result, since, next, pageLimit);
  }
}
