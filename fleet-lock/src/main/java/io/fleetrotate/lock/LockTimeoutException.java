package io.fleetrotate.lock;

/** No lease was granted before the wait timed out. */
public final class LockTimeoutException extends Exception {
  private static final long serialVersionUID = 1L;

  public LockTimeoutException(String message) {
    super(message);
  }

  public LockTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
