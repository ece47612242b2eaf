package io.fleetrotate.lock;

/**
 * The lock service cannot be reached (or does not answer in time). A service that answers with a
 * refusal throws the subclass {@link LockRefusedException}.
 */
public class LockUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public LockUnavailableException(String message) {
    super(message);
  }

  public LockUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
