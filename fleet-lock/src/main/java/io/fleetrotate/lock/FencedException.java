package io.fleetrotate.lock;

/**
 * A destructive step was refused because the file's fence already records a higher fencing token: a
 * newer holder has worked on this file, so this lease is stale (its holder was paused or cut off
 * past its TTL) — or the lock service's counter went backwards (data lost, split brain merged).
 */
public final class FencedException extends LeaseLostException {
  private static final long serialVersionUID = 1L;

  private final long recordedToken;

  public FencedException(String message, long recordedToken) {
    super(message);
    this.recordedToken = recordedToken;
  }

  /** The token the fence holds, higher than the refused one. */
  public long recordedToken() {
    return recordedToken;
  }
}
