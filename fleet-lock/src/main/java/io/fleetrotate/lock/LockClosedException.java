package io.fleetrotate.lock;

/**
 * {@link FleetLock#acquire} on a client that was closed (before or while waiting). A {@link
 * LockUnavailableException}, so a caller that handles an unreachable service handles this too; it
 * is never retried.
 */
public class LockClosedException extends LockUnavailableException {
  private static final long serialVersionUID = 1L;

  public LockClosedException(String backend) {
    super("the " + backend + " lock client was closed");
  }
}
