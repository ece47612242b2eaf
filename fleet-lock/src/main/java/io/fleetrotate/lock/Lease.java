package io.fleetrotate.lock;

/**
 * A time-limited grant to rotate within one group. Close it (try-with-resources) to release.
 *
 * <p>{@link #checkValid()} is called before each destructive rotation step: once the lease could
 * not be renewed before its deadline it throws, and the rotation stops at that step boundary.
 */
public interface Lease extends AutoCloseable {

  String group();

  /** Strictly increasing per group across all grants; recorded before each destructive step. */
  long fencingToken();

  /** Throws when the lease has been lost (expired without renewal, or revoked). */
  void checkValid() throws LeaseLostException;

  /** Releases the lease; releasing a lost or already released lease does nothing. */
  @Override
  void close();
}
